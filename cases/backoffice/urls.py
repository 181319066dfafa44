"""Back-office URLs (SPEC section 7). Cases are addressed by number: case ids are unique per program only."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from cases.backoffice.views import (
    approvals,
    assignment,
    auth,
    bulk,
    case_actions,
    case_page,
    dashboard,
    evidence,
    queue,
    regulation,
    saved_views,
    team,
    two_factor,
    webhook_demo,
    webhooks,
)

app_name = "cases"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:queue", permanent=False), name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/setup/", two_factor.SetupView.as_view(), name="two_factor_setup"),
    path("two-factor/verify/", two_factor.VerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/recovery-codes/", two_factor.RecoveryCodesView.as_view(), name="two_factor_recovery_codes"),
    path("cases/", queue.QueueView.as_view(), name="queue"),
    path("cases/bulk/", bulk.BulkView.as_view(), name="bulk"),
    path("cases/take-next/", assignment.TakeNextView.as_view(), name="take_next"),
    path("cases/<int:number>/", case_page.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:number>/take/", assignment.TakeCaseView.as_view(), name="case_take"),
    path("cases/<int:number>/assignee/", assignment.AssignCaseView.as_view(), name="case_assign"),
    path("cases/<int:number>/notes/", case_actions.AddNoteView.as_view(), name="case_note"),
    path("cases/<int:number>/deadlines/", case_actions.EditDeadlinesView.as_view(), name="case_deadlines"),
    path("cases/<int:number>/reviewed/", case_actions.MarkReviewedView.as_view(), name="case_reviewed"),
    path("cases/<int:number>/amount/", case_actions.ChangeAmountView.as_view(), name="case_amount"),
    path("cases/<int:number>/transitions/<str:name>/", case_actions.TransitionView.as_view(),
         name="case_transition"),
    path("cases/<int:number>/evidence/", evidence.UploadEvidenceView.as_view(), name="case_evidence"),
    path("cases/<int:number>/evidence/<int:evidence_id>/", evidence.DownloadEvidenceView.as_view(),
         name="evidence_download"),
    path("cases/<int:number>/provisional-credit/<str:action>/", regulation.ProvisionalCreditView.as_view(),
         name="case_provisional_credit"),
    path("cases/<int:number>/letters/<int:letter_id>/", regulation.LetterView.as_view(), name="case_letter"),
    path("views/", saved_views.SaveViewView.as_view(), name="view_save"),
    path("views/<int:view_id>/delete/", saved_views.DeleteViewView.as_view(), name="view_delete"),
    path("team/", team.TeamView.as_view(), name="team"),
    path("approvals/", approvals.ApprovalListView.as_view(), name="approvals"),
    path("approvals/<int:request_id>/<str:decision>/", approvals.ApprovalDecisionView.as_view(),
         name="approval_decide"),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("webhooks/", webhooks.EndpointListView.as_view(), name="webhooks"),
    path("webhooks/demo-receiver/", webhook_demo.DemoReceiverView.as_view(), name="webhook_demo_receiver"),
    path("webhooks/demo/", webhook_demo.DemoReceiverPageView.as_view(), name="webhook_demo"),
    path("webhooks/<slug:endpoint_id>/", webhooks.EndpointDetailView.as_view(), name="webhook_detail"),
    path("webhooks/<slug:endpoint_id>/rotate-secret/", webhooks.RotateSecretView.as_view(),
         name="webhook_rotate_secret"),
    path("webhooks/<slug:endpoint_id>/replay/", webhooks.ReplayFailedView.as_view(), name="webhook_replay_failed"),
    path("webhooks/<slug:endpoint_id>/deliveries/<int:delivery_id>/replay/", webhooks.ReplayDeliveryView.as_view(),
         name="webhook_replay_delivery"),
]
