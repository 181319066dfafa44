"""Mastercard OAuth 1.0a credentials (SPEC section 15): a consumer key registered for a program with
its certificate's public key, and the nonces seen recently so a signed request cannot be replayed.

Each credential owns an API key (never shown to anyone) that carries its program and scopes: the
requests it signs are throttled, permission-checked and audited as that key's, like any other client.
"""

from django.db import models


class MastercardCredential(models.Model):
    consumer_key = models.CharField(max_length=255, unique=True)
    program = models.ForeignKey("cases.Program", on_delete=models.CASCADE, related_name="mastercard_credentials")
    api_key = models.OneToOneField("cases.ApiKey", on_delete=models.PROTECT, related_name="mastercard_credential")
    # SubjectPublicKeyInfo PEM of the client's signing certificate; the private key never leaves the client.
    public_key_pem = models.TextField()
    # SHA-256 of the certificate (or public key) as registered, hex: to tell certificates apart.
    fingerprint = models.CharField(max_length=64)
    not_valid_after = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "consumer_key"]

    def __str__(self):
        return self.consumer_key


class MastercardNonce(models.Model):
    """A nonce seen with a credential; the pair is unique while the row lives (pruned after the window)."""

    credential = models.ForeignKey(MastercardCredential, on_delete=models.CASCADE, related_name="nonces")
    nonce = models.CharField(max_length=128)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["credential", "nonce"], name="mastercard_nonce_unique")]

    def __str__(self):
        return self.nonce
