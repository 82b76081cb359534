from decimal import Decimal


def plain(value):
    """A decimal without trailing zeros and never in exponent form: 10, 15.5 (normalize() alone gives 1E+1)."""
    return format(Decimal(value).normalize(), "f")
