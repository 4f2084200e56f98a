from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import Conflict


class WrongState(Conflict):
    code = "wrong_state"
    default_message = _("当前状态下不能执行此操作。")


class InterpretationMissing(Conflict):
    code = "interpretation_missing"
    default_message = _("该政策文件需解读：解读材料至少提交审查后，才能发布政策文件（三同步）。")


class InterpretationFormMissing(Conflict):
    code = "interpretation_form_missing"
    default_message = _(
        "该政策文件需解读：本机关要求在文字解读以外，至少还有一种其他形式的解读"
        "（如图表图解、音视频、简明问答、新闻发布会）提交审查后，才能发布政策文件。"
    )
