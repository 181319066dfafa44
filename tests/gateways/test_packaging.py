"""Evidence packaging by the networks' rules, before any network call (SPEC section 12;
cases/gateways/packaging.py documents what is refused and what is fixed)."""

import base64
import io

import pytest
from PIL import Image

from cases.gateways import gateway_for, packaging
from cases.gateways.base import Document, PackagingError
from network_simulator.state import merchant_document

PDF = base64.b64decode(merchant_document()["content"])
MB = packaging.MB


def image(fmt: str, dpi: int, size=(600, 300), pages: int = 1) -> bytes:
    frames = [Image.new("RGB", size, (i * 40, 120, 200)) for i in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, format=fmt, dpi=(dpi, dpi), save_all=pages > 1, append_images=frames[1:])
    return out.getvalue()


def padded_pdf(size: int) -> bytes:
    return PDF + b"%" + b"0" * (size - len(PDF) - 1)


@pytest.fixture
def mastercard(settings):
    gateway = gateway_for("mastercard")

    def no_network(*args, **kwargs):
        raise AssertionError("packaging must not call the network")

    gateway._call = no_network
    gateway.http.call = no_network
    return gateway


def test_a_png_is_refused_naming_the_file(mastercard):
    with pytest.raises(PackagingError) as refused:
        mastercard.package([Document("receipt.png", "image/png", image("PNG", 72)),
                            Document("letter.pdf", "application/pdf", PDF)])
    assert refused.value.problems == ["receipt.png is a PNG file; Mastercard accepts JPEG, TIFF or PDF only"]


def test_the_type_is_read_from_the_content_not_the_name(mastercard):
    with pytest.raises(PackagingError, match="fake.pdf is a PNG file"):
        mastercard.package([Document("fake.pdf", "application/pdf", image("PNG", 72))])
    sent = mastercard.package([Document("scan", "application/octet-stream", image("JPEG", 72))])
    assert sent[0].name == "scan.jpg" and sent[0].content_type == "image/jpeg"


def test_a_17_character_name_is_renamed_to_16(mastercard):
    original = "statement-2026.pdf"[:13] + "1.pdf"  # 18 characters
    long_name = "Cardholder123.pdf"
    assert len(long_name) == 17
    sent = mastercard.package([Document(long_name, "application/pdf", PDF), Document(original, "application/pdf", PDF),
                               Document("Cardholder123.pdf", "application/pdf", PDF)])
    names = [d.name for d in sent]
    assert names == ["Cardholder12.pdf", "statement202.pdf", "Cardholder11.pdf"]
    assert all(len(n) <= 16 for n in names) and len(set(names)) == 3
    assert [d.content for d in sent] == [PDF, PDF, PDF]


def test_names_that_fit_are_kept(mastercard):
    assert [d.name for d in mastercard.package([Document("letter.pdf", "application/pdf", PDF)])] == ["letter.pdf"]


def test_20_mb_of_files_is_refused_and_above_14_5_mb_is_a_warning(mastercard):
    with pytest.raises(PackagingError) as refused:
        mastercard.package([Document(f"part{i}.pdf", "application/pdf", padded_pdf(5 * MB)) for i in range(4)])
    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith("the files total 20.0 MB; Mastercard accepts at most 18.0 MB per submission")
    assert "part0.pdf (5.0 MB)" in refused.value.problems[0]
    report = packaging.inspect([Document("big.pdf", "application/pdf", padded_pdf(15 * MB))], packaging.MASTERCARD)
    assert report.warnings == ["the files total 15.0 MB, above the 14.5 MB Mastercard recommends"]
    exactly = packaging.inspect([Document("max.pdf", "application/pdf", padded_pdf(18 * MB))], packaging.MASTERCARD)
    assert len(exactly.documents) == 1


def test_a_600_dpi_tiff_is_resampled_to_300_dpi(mastercard):
    tiff = image("TIFF", 600, size=(1200, 800), pages=2)
    report = packaging.inspect([Document("scan.tif", "image/tiff", tiff)], packaging.MASTERCARD)
    assert report.resampled == ["scan.tif"]
    assert report.warnings == ["scan.tif was resampled from 600 dpi to 300 dpi"]
    fixed = Image.open(io.BytesIO(report.documents[0].content))
    assert fixed.format == "TIFF" and fixed.size == (600, 400) and getattr(fixed, "n_frames", 1) == 2
    assert round(fixed.info["dpi"][0]) == 300
    jpeg = mastercard.package([Document("photo.jpg", "image/jpeg", image("JPEG", 600))])[0]
    fixed_jpeg = Image.open(io.BytesIO(jpeg.content))
    assert fixed_jpeg.format == "JPEG" and fixed_jpeg.size == (300, 150) and round(fixed_jpeg.info["dpi"][0]) == 300


def test_images_at_300_dpi_or_without_a_resolution_pass_untouched(mastercard):
    at_limit = image("TIFF", 300)
    plain = io.BytesIO()
    Image.new("RGB", (10, 10)).save(plain, format="JPEG")
    sent = mastercard.package([Document("ok.tif", "image/tiff", at_limit), Document("plain.jpg", "image/jpeg", plain.getvalue())])
    assert [d.content for d in sent] == [at_limit, plain.getvalue()]


def test_an_unreadable_image_is_refused(mastercard):
    with pytest.raises(PackagingError, match="broken.tif cannot be read as a TIFF image"):
        mastercard.package([Document("broken.tif", "image/tiff", b"II*\x00garbage")])


def test_visa_rules():
    assert [d.name for d in packaging.package([Document("a very long cardholder letter name 2026.pdf", "application/pdf", PDF)],
                                              packaging.VISA)] == ["averylongcardholderlettername2026.pdf"]
    with pytest.raises(PackagingError, match="Visa accepts at most 10.0 MB"):
        packaging.package([Document("big.pdf", "application/pdf", padded_pdf(11 * MB))], packaging.VISA)
    with pytest.raises(PackagingError, match="Visa accepts JPEG, TIFF or PDF only"):
        packaging.package([Document("r.png", "image/png", image("PNG", 72))], packaging.VISA)
    tiff = image("TIFF", 600)
    assert packaging.package([Document("s.tif", "image/tiff", tiff)], packaging.VISA)[0].content == tiff


def test_gateways_report_warnings_and_renamings(mastercard):
    report = mastercard.inspect([Document("A long evidence name.pdf", "application/pdf", padded_pdf(15 * MB))])
    assert report.renamed == {"A long evidence name.pdf": "Alongevidenc.pdf"}
    assert report.warnings == ["the files total 15.0 MB, above the 14.5 MB Mastercard recommends"]
    assert gateway_for("visa").inspect([Document("a.pdf", "application/pdf", PDF)]).warnings == []


def test_a_gateway_without_a_base_url_is_a_gateway_error(settings):
    from cases.gateways.base import GatewayError

    settings.VROL_BASE_URL = ""
    with pytest.raises(GatewayError, match="VROL is not configured"):
        gateway_for("visa").read_queues()
