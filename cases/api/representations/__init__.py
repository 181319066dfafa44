"""How the native API writes its resources as JSON (`resources`) and describes them in the OpenAPI
document (`openapi`). Requests are parsed by `cases.wire`."""
