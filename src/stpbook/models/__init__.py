"""Pure models: numbers in, numbers out. One module per question the book asks.

- ``gap``: the Five Year Forward View's funding gap and how efficiency and funding close it
"""
