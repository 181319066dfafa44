"""What each kind of letter must say, with its source; the layout prints it whatever the program's
template holds, so an edited template cannot drop a sentence an examiner looks for."""

from cases.choices import LetterKind

# kind -> (the sentence, its source). The sentence is fixed text; the letter's facts (amounts,
# dates) follow it in the layout.
REQUIRED = {
    LetterKind.ACKNOWLEDGEMENT: (
        "We received your billing error notice and will resolve it within two complete billing cycles, "
        "and in no event later than 90 days after we received it.",
        "12 CFR 1026.13(c)(1)-(2)"),
    LetterKind.PROVISIONAL_CREDIT_NOTICE: (
        "We have provisionally credited your account for the amount in dispute while we investigate.",
        "12 CFR 1005.11(c)(2)(ii)"),
    LetterKind.RESULTS: (
        "You have the right to request copies of the documents that we relied on in making our determination.",
        "12 CFR 1005.11(d)(1); CFPB Supervisory Highlights, Issue 26"),
    LetterKind.PROVISIONAL_CREDIT_REVERSAL: (
        "We will debit the provisional credit from your account five business days after the date of this notice.",
        "12 CFR 1005.11(d)(2)(i)"),
    LetterKind.RESOLUTION: (
        "We have resolved your dispute in your favour and the credit to your account is final.",
        "12 CFR 1005.11(c)(2)(iii), 12 CFR 1026.13(e)"),
}

DEFAULT_SUBJECTS = {
    LetterKind.ACKNOWLEDGEMENT: "We received your dispute {{ case.case_id }}",
    LetterKind.PROVISIONAL_CREDIT_NOTICE: "Provisional credit for your dispute {{ case.case_id }}",
    LetterKind.RESULTS: "The results of our investigation of dispute {{ case.case_id }}",
    LetterKind.PROVISIONAL_CREDIT_REVERSAL: "Reversal of provisional credit for dispute {{ case.case_id }}",
    LetterKind.RESOLUTION: "Your dispute {{ case.case_id }} is resolved",
}


def required_sentence(kind: str) -> str:
    return REQUIRED[kind][0]
