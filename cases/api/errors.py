def problem_exception_handler(exc, context):  # replaced by the native API
    from rest_framework.views import exception_handler

    return exception_handler(exc, context)
