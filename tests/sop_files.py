"""SOP files of every supported format, built in the test (no binary fixtures in the repository)."""

from __future__ import annotations

import io
import zipfile

#: One SOP's content: (level or None, text); level marks a heading.
SCENE_SOP = [
    (None, "Issued by the head of the unit."),
    (1, "1 Purpose"),
    (None, "This procedure says how the scene is recorded before anything is moved."),
    (1, "2 Recording the scene"),
    (None, "Photographs are taken from the entrance towards the centre."),
    (2, "2.1 Photography"),
    (None, "Every photograph is entered in the photo log with its number."),
    (2, "2.2 Sketches"),
    (None, "A sketch with measurements is drawn for every room."),
    (1, "3 Packaging"),
    (None, "Each item is packed in its own bag and sealed."),
]


def docx_bytes(content=SCENE_SOP) -> bytes:
    import docx

    document = docx.Document()
    for level, text in content:
        if level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(content=SCENE_SOP) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    for level, text in content:
        document.text.addElement(H(outlinelevel=level, text=text) if level else P(text=text))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def markdown_bytes(content=SCENE_SOP) -> bytes:
    lines = [("#" * level + " " + text) if level else text for level, text in content]
    return "\n\n".join(lines).encode()


def text_bytes(content=SCENE_SOP) -> bytes:
    return "\n".join(text for _, text in content).encode()


def pdf_bytes(content=SCENE_SOP) -> bytes:
    """A PDF with a text layer, rendered by WeasyPrint from HTML with numbered headings."""
    from weasyprint import HTML

    body = "".join(f"<h{level}>{text}</h{level}>" if level else f"<p>{text}</p>" for level, text in content)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def scanned_pdf_bytes() -> bytes:
    """One page holding only an image: what a scanner without OCR makes."""
    from weasyprint import HTML

    pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    return HTML(string=f'<html><body><img src="{pixel}" style="width:15cm;height:20cm"></body></html>').write_pdf()


def encrypted_pdf_bytes() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def corrupt_docx_bytes() -> bytes:
    """A DOCX cut in half: the zip's directory is gone."""
    data = docx_bytes()
    return data[: len(data) // 2]


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a document")
    return buffer.getvalue()
