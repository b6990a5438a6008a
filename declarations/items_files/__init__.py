"""Goods lines in spreadsheets: the columns of the template (`columns`), reading an .xlsx or .csv
file of lines (`reading`), and writing the template and a declaration's lines (`writing`).

docs/decisions.md, "Goods lines from Excel or CSV", says what is read and what is refused, and why.
"""
