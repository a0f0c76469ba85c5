"""Luma Desktop: an artist's studio for Luma Dream Machine video through the AI/ML API gateway."""

__version__ = "0.1.0"
