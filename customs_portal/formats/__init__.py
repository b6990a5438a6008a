"""Date and number formats of the portal's two languages (settings.FORMAT_MODULE_PATH).

Both languages show dates as dd/mm/yyyy and times as HH:MM, as Vietnamese customs documents
do; numbers group thousands in both. customs_portal/localization.py reads what is typed.
"""
