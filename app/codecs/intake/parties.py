"""The parties as contracts name them: 甲方/乙方, 采购人（甲方）/供应商（乙方）, 委托方/受托方, 发包人/承包人 …

A "label：value" line names a party (甲方：…), or one of its particulars (法定代表人, 地址, 统一社会信用代码 or
纳税人识别号, 户名, 开户行, 账号, 联系人, 电话). A particular without a party in its label belongs to the party
named last; in a run of lines that gives a bank account, 地址 and 电话 are the account's (as clause 1.4 of the
sample lists them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.codecs.intake.patterns import LABEL

ROLE_WORDS = {
    "a": ("甲方", "采购人", "采购方", "委托方", "委托人", "发包人", "发包方", "买方", "需方", "定作方", "定作人", "建设单位",
          "招标人", "业主方", "业主", "用户方"),
    "b": ("乙方", "中标供应商", "成交供应商", "供应商", "中标人", "中标单位", "受托方", "受托人", "承包人", "承包方", "卖方",
          "供方", "服务方", "服务商", "承揽方", "承揽人", "施工单位", "承建方"),
}
#: Particulars, longest words first; the value is the attribute path below the party.
ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("法定代表人（负责人）", "representative"),
    ("法定代表人/负责人", "representative"),
    ("法定代表人或负责人", "representative"),
    ("法定代表人", "representative"),
    ("法人代表", "representative"),
    ("负责人", "representative"),
    ("统一社会信用代码", "credit_code"),
    ("社会信用代码", "credit_code"),
    ("纳税人识别号", "credit_code"),
    ("纳税识别号", "credit_code"),
    ("信用代码", "credit_code"),
    ("税号", "credit_code"),
    ("开户行名称", "bank.bank_name"),
    ("开户银行", "bank.bank_name"),
    ("开户行", "bank.bank_name"),
    ("账户名称", "bank.account_name"),
    ("开户名称", "bank.account_name"),
    ("账户名", "bank.account_name"),
    ("户名", "bank.account_name"),
    ("银行账号", "bank.account_no"),
    ("账号", "bank.account_no"),
    ("帐号", "bank.account_no"),
    ("注册地址", "address"),
    ("通讯地址", "address"),
    ("通信地址", "address"),
    ("办公地址", "address"),
    ("联系地址", "address"),
    ("住所地", "address"),
    ("住所", "address"),
    ("地址", "address"),
    ("联系电话", "phone"),
    ("电话", "phone"),
    ("手机", "phone"),
    ("联系方式", "phone"),
    ("项目联系人", "contact"),
    ("联系人", "contact"),
    ("邮政编码", "postcode"),
    ("邮编", "postcode"),
    ("传真", "fax"),
    ("电子邮箱", "email"),
    ("邮箱", "email"),
)
_NAME_RESTS = ("", "名称", "全称", "单位名称", "单位", "名字")
_SIGNING = re.compile(r"盖章|公章|签章|签字|签名|印章|代表|代理人")
_BLANK = re.compile(r"^[\s_＿\-—/．.]*$")
_ALIAS = re.compile(r"[（(]\s*(?:以下简称|下称|简称)[^）)]*[）)]\s*$")


@dataclass(frozen=True)
class LabelInfo:
    """A label read: the party it names ("a"/"b"/None) and the particular ("name", "address", "bank.account_no", …)."""

    role: str | None
    attribute: str | None
    signing: bool
    label: str


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def role_of(word: str) -> str | None:
    for role, words in ROLE_WORDS.items():
        if word in words:
            return role
    return None


def _role_prefix(text: str) -> tuple[str | None, str]:
    for role, words in ROLE_WORDS.items():
        for w in sorted(words, key=len, reverse=True):
            if text.startswith(w):
                return role, text[len(w):]
    return None, text


def read_label(label: str) -> LabelInfo:
    text = norm(label)
    parens = re.findall(r"（([^）]*)）", text)
    bare = re.sub(r"（[^）]*）", "", text)
    signing = bool(_SIGNING.search(text)) and not text.startswith(("法定代表人（负责人）", "法定代表人", "法人代表"))
    if text in ("法定代表人或授权代表（签字）", "法定代表人或授权代表", "授权代表", "委托代理人"):
        signing = True
    role, rest = _role_prefix(bare)
    if role is None:
        for p in parens:
            role = role_of(p)
            if role:
                break
    elif any(role_of(p) not in (None, role) for p in parens):
        role = next(role_of(p) for p in parens if role_of(p))
    attribute = None
    if role is not None and rest in _NAME_RESTS and not signing:
        attribute = "name"
    else:
        probe = rest if role is not None else text
        for word, attr in ATTRIBUTES:
            if probe.startswith(word) or (role is None and probe.startswith(word.replace("（负责人）", ""))):
                attribute = attr
                break
        if attribute is None and role is not None:
            for word, attr in ATTRIBUTES:
                if word in probe:
                    attribute = attr
                    break
    return LabelInfo(role, attribute, signing, text)


def clean_value(value: str) -> tuple[str, int, int]:
    """The value without fill-in brackets, an alias (以下简称“甲方”) or blanks; (text, start, end) within `value`."""
    start, end = 0, len(value)
    while start < end and value[start] in " \u3000":
        start += 1
    while end > start and value[end - 1] in " \u3000":
        end -= 1
    if value[start:start + 1] == "【" and value[end - 1:end] == "】" and value.count("【") == 1:
        start, end = start + 1, end - 1
        while start < end and value[start] in " \u3000":
            start += 1
        while end > start and value[end - 1] in " \u3000":
            end -= 1
    text = value[start:end]
    alias = _ALIAS.search(text)
    if alias:
        end = start + alias.start()
        text = value[start:end].rstrip()
        end = start + len(text)
    if _BLANK.match(text):
        return "", start, start
    return text, start, end


def label_parts(text: str) -> tuple[str, str, int] | None:
    """(label, value, where the value starts) of a "label：value" line, or None."""
    m = LABEL.match(text)
    if not m:
        return None
    return m.group("label"), m.group("value"), m.start("value")
