"""``manage.py import_context PATH [--sum-dimensions] [--select kön=totalt]``: kommun context.

BE0101 in- and out-migration per kommun and år, and recruitment needs per sector.
All or nothing: on any error the report names the row and column.
"""

from mapping import scb
from mapping.management.commands._scb_command import ScbImportCommand


class Command(ScbImportCommand):
    help = "Importerar flyttningar (SCB BE0101) och rekryteringsbehov från CSV eller XLSX."
    importer = staticmethod(scb.import_context)
