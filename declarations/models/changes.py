"""The declarations that changed, for the readers that keep figures derived from them.

Every status change (`declarations.services.lifecycle.declaration_transition`), and every other
change to what a declaration owes or paid (a payment credited, late interest accrued), adds a row
in the same transaction as the change. A reader above declarations (customs_statistics) consumes
the rows in its own transaction: it deletes those it reads and recomputes what it derives from
those declarations, so that nothing committed is missed and nothing is read twice. Rows of a
transaction that rolls back never appear. Writers only insert: no row is ever updated, so
concurrent changes never wait for each other here.
"""
from django.db import models


class DeclarationChange(models.Model):
    id = models.BigAutoField(primary_key=True)
    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.declaration_id} changed at {self.created_at:%Y-%m-%d %H:%M:%S}"
