"""The declaration pages in the browser, a module per subject: the trader's (`trader`), the HS
code look-up of the form (`hs_lookup`), documents, the printable PDF, the live state of lists,
the officer's review (`review`, with `review_inspection`) and the gate (`gate`; its URLs are in
declarations/urls_gate.py). What they share is in `common`."""
