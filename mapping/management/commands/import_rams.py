"""``manage.py import_rams PATH [--sum-dimensions] [--select kön=totalt]``: SCB RAMS commuting.

Reads the file as SCB's PxWeb writes it (see mapping.scb). All or nothing: on any
error the report names the row and column and nothing is written.
"""

from mapping import scb
from mapping.management.commands._scb_command import ScbImportCommand


class Command(ScbImportCommand):
    help = "Importerar pendling mellan kommuner (SCB RAMS) från CSV eller XLSX."
    importer = staticmethod(scb.import_rams)
