"""The kernel's version, apart from ``core/__init__`` so the manifest can check it without a circle.

A manifest's ``core`` specifier is matched against it when the plugin loads.
"""

__version__ = "0.2.0"
