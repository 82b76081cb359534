# Django's own Chinese formats, except that a month is written without a leading zero (9月5日, not 09月5日).
MONTH_DAY_FORMAT = "n月j日"
