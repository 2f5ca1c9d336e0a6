"""Publishing for the city's website: the accessible PDF (PDF/UA-1) and the open data (CSV).

:mod:`.accessible` fixes a copy of the published report for a tagged export (title, language, alt
text, header rows), :mod:`.pdfexport` runs LibreOffice's tagged export on it and finishes the PDF
(page labels, bookmarks, table spans), :mod:`.opendata` writes the CSVs and their 説明.
The city's file itself is only read.
"""
