"""mldebt: find technical debt in machine-learning code, statically, on every commit."""

__version__ = "0.1.0"
