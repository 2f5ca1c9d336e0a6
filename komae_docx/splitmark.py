"""The names of the custom document properties a department's copy carries (``split`` writes them,
the reader reads them, the writers remove them): one place for the input and the output side."""

from __future__ import annotations

PROP_DEPARTMENT = "komae-docx 担当課"
PROP_CODE = "komae-docx 担当課コード"
PROP_DRAFT = "komae-docx 案の識別子"
MARK_PROPERTIES = (PROP_DEPARTMENT, PROP_CODE, PROP_DRAFT)
MARK_AS_FINAL = "_MarkAsFinal"
"""The custom property Word and LibreOffice set for 「最終版にする」: the file then opens read-only."""
