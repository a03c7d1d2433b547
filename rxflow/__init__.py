"""RxFlow: a medication-refill assistant. Language is learned (programs/); decisions are code (here)."""

__version__ = "0.1.0"
