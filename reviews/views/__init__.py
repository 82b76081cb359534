"""The naming workflow's pages, one module per stage; urls.py refers to them through this package."""
from .applications import (  # noqa: F401
    application_action,
    application_detail,
    application_edit,
    application_list,
    application_new,
    attachment_delete,
    attachment_download,
    attachment_upload,
    site_visit,
)
from .decisions import decision, naming, objection_handle, objections, publicity_approve  # noqa: F401
from .panels import (  # noqa: F401
    assignment_detail,
    assignment_list,
    assignment_recuse,
    assignment_score,
    panel,
    panel_assign,
    panel_auto_assign,
    panel_save,
)
from .rounds import (  # noqa: F401
    round_advance,
    round_create,
    round_deadlines,
    round_export,
    round_detail,
    round_list,
)
