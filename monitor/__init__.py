"""humas-monitor: media and social-media monitoring for Indonesian government PR offices."""

__version__ = "0.1.0"
