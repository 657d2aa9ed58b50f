"""年度工作计划 / Work plans: a method as data (pillars, indicators, targets), progress, and copies of a template."""
