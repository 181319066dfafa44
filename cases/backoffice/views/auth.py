"""Sign-in with throttling. Django's login() rotates the session key (no session fixation)."""

from django.contrib.auth import views as auth_views

from cases.backoffice.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_throttled:
            response.status_code = 429
        return response
