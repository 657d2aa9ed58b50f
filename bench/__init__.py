"""Load and scale benchmarks of Gongzhi (``make bench``, ``make bench-scale``); see docs/benchmarks.md."""
