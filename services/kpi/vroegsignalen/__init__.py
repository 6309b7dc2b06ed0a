"""The vroegsignalen agent: signals, contactpogingen and resultaten per vroegsignaalzaak ->
bereik vroegsignalering figures in Redis.
"""
