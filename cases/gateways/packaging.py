"""Evidence packaging by each network's rules (SPEC section 12), checked before anything is sent.

What is refused (PackagingError, naming each file) and what is fixed:

Mastercard (REFERENCE.md section 8: JPEG, TIFF or PDF; file names of at most 16 characters; at
most 18 MB per transaction, under 14.5 MB recommended; at most 300 x 300 dpi):
- type, read from the content (never the name): PDF, JPEG and TIFF pass; anything else (PNG, Word,
  ZIP ...) is **refused**: "receipt.png is a PNG file; Mastercard accepts JPEG, TIFF or PDF only".
  Nothing is converted, so what the network receives is exactly what the analyst attached.
- name: **fixed**. Letters and digits of the original name, cut so that the name with its extension
  (`.pdf`, `.jpg`, `.tif`, from the detected type) is at most 16 characters; a number keeps names
  unique in one submission. `Cardholder letter 2026.pdf` -> `Cardholderle.pdf`.
- size: the files together at most 18 MB (18 x 1,048,576 bytes); more is **refused** naming the
  total and the largest files. Above 14.5 MB the package passes with a warning.
- resolution: a JPEG or TIFF above 300 dpi (read with Pillow) is **fixed**: resampled to 300 dpi
  (its pixel size scaled by 300/dpi, every page of a TIFF) and saved in its own format. An image
  that states no resolution passes as it is. An image Pillow cannot read is refused. Images inside
  a PDF are not inspected.

Visa (the VROL-style wire, modelled; docs/networks.md): PDF, JPEG or TIFF, refused otherwise; names
fixed to letters, digits, `-` and `_`, at most 40 characters with the extension; the files together
at most 10 MB (10 x 1,048,576 bytes), refused above. No resolution rule.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from cases.gateways.base import Document, PackagingError

MB = 1024 * 1024

PDF = ("application/pdf", ".pdf", "PDF")
JPEG = ("image/jpeg", ".jpg", "JPEG")
TIFF = ("image/tiff", ".tif", "TIFF")
_OTHER_NAMES = [(b"\x89PNG\r\n\x1a\n", "a PNG"), (b"GIF8", "a GIF"), (b"PK\x03\x04", "a ZIP or Office"),
                (b"BM", "a BMP"), (b"\xd0\xcf\x11\xe0", "an Office")]


def detect(content: bytes):
    """(content type, extension, label) of a PDF, JPEG or TIFF; None for anything else."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    return None


def describe_type(content: bytes) -> str:
    for magic, label in _OTHER_NAMES:
        if content.startswith(magic):
            return label
    return "an unrecognised"


@dataclass(frozen=True)
class Rules:
    network: str
    label: str
    max_name: int
    max_total: int
    warn_total: int | None = None
    max_dpi: int | None = None
    name_chars: str = r"A-Za-z0-9"


MASTERCARD = Rules(network="mastercard", label="Mastercard", max_name=16, max_total=18 * MB,
                   warn_total=int(14.5 * MB), max_dpi=300)
VISA = Rules(network="visa", label="Visa", max_name=40, max_total=10 * MB, name_chars=r"A-Za-z0-9_-")


@dataclass
class Packaged:
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # original name -> name sent
    resampled: list[str] = field(default_factory=list)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _stem(name: str, chars: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return re.sub(f"[^{chars}]", "", stem) or "document"


def _name(original: str, extension: str, rules: Rules, taken: set[str]) -> str:
    stem = _stem(original, rules.name_chars)
    room = rules.max_name - len(extension)
    candidate = stem[:room] + extension
    counter = 1
    while candidate.lower() in taken:
        suffix = str(counter)
        candidate = stem[: room - len(suffix)] + suffix + extension
        counter += 1
    taken.add(candidate.lower())
    return candidate


def _resample(document: Document, kind, max_dpi: int) -> tuple[bytes, float] | None:
    """The image at max_dpi when it states a higher resolution; None when it needs nothing.
    Raises ValueError when Pillow cannot read it."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(document.content))
        dpi = image.info.get("dpi")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError(str(exc)) from None
    if not dpi:
        return None
    highest = max(float(dpi[0] or 0), float(dpi[1] or 0))
    if highest <= max_dpi:
        return None
    scale = max_dpi / highest
    try:
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except OSError as exc:
        raise ValueError(str(exc)) from None
    resized = [frame.resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))),
                            Image.Resampling.LANCZOS) for frame in frames]
    out = io.BytesIO()
    if kind is JPEG:
        first = resized[0].convert("RGB") if resized[0].mode not in ("RGB", "L", "CMYK") else resized[0]
        first.save(out, format="JPEG", dpi=(max_dpi, max_dpi), quality=90)
    else:
        resized[0].save(out, format="TIFF", dpi=(max_dpi, max_dpi), compression="tiff_deflate",
                        save_all=len(resized) > 1, append_images=resized[1:])
    return out.getvalue(), highest


def inspect(documents: list[Document], rules: Rules) -> Packaged:
    """The documents as the network accepts them, with warnings; PackagingError naming each file
    that breaks a rule that cannot be fixed."""
    problems: list[str] = []
    result = Packaged(documents=[])
    taken: set[str] = set()
    for document in documents:
        kind = detect(document.content)
        if kind is None:
            problems.append(f"{document.name} is {describe_type(document.content)} file; "
                            f"{rules.label} accepts JPEG, TIFF or PDF only")
            continue
        content = document.content
        if rules.max_dpi and kind in (JPEG, TIFF):
            try:
                fixed = _resample(document, kind, rules.max_dpi)
            except ValueError:
                problems.append(f"{document.name} cannot be read as a {kind[2]} image")
                continue
            if fixed is not None:
                content, dpi = fixed
                result.resampled.append(document.name)
                result.warnings.append(f"{document.name} was resampled from {dpi:.0f} dpi to {rules.max_dpi} dpi")
        name = _name(document.name, kind[1], rules, taken)
        if name != document.name:
            result.renamed[document.name] = name
        result.documents.append(Document(name=name, content_type=kind[0], content=content))
    total = sum(len(d.content) for d in result.documents)
    if total > rules.max_total:
        largest = sorted(result.documents, key=lambda d: len(d.content), reverse=True)[:3]
        originals = {v: k for k, v in result.renamed.items()}
        names = ", ".join(f"{originals.get(d.name, d.name)} ({_mb(len(d.content))})" for d in largest)
        problems.append(f"the files total {_mb(total)}; {rules.label} accepts at most {_mb(rules.max_total)} "
                        f"per submission (largest: {names})")
    elif rules.warn_total and total > rules.warn_total:
        result.warnings.append(f"the files total {_mb(total)}, above the {_mb(rules.warn_total)} {rules.label} "
                               "recommends")
    if problems:
        raise PackagingError(problems)
    return result


def package(documents: list[Document], rules: Rules) -> list[Document]:
    return inspect(documents, rules).documents
