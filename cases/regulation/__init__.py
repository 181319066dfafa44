"""Consumer regulation as data: the business-day calendar and the Reg E / Reg Z clocks (SPEC 13).

Pure functions over dates; `cases.services.regulation` feeds them a case and stores the result.
"""
