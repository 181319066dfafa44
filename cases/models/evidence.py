from django.core.files.storage import storages
from django.db import models

from cases.choices import EvidenceCategory


def evidence_storage():
    return storages["evidence"]


def evidence_path(instance, filename):
    # Content-addressed under the case; the original name is kept in the row, never in the path.
    return f"{instance.case.program_id}/{instance.case_id}/{instance.sha256}"


class Evidence(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="evidence")
    category = models.CharField(max_length=32, choices=EvidenceCategory.choices, default=EvidenceCategory.OTHER)
    file = models.FileField(upload_to=evidence_path, storage=evidence_storage, max_length=300)
    original_name = models.CharField(max_length=255)
    description = models.CharField(max_length=500, blank=True, default="")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150)
    uploaded_by_user = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="evidence_unique_file_per_case"),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_size_positive"),
        ]

    def __str__(self):
        return self.original_name
