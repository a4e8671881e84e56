"""What sort of contract it is, how it was procured, and what sort of file is attached to it.

These sort the contract ledger (合同台账), decide which files the archive must hold (office settings) and
label attachments. The values are the stable spellings stored and written to files; `label` is what a
clerk reads, in the current language.
"""

from __future__ import annotations

from enum import StrEnum

from app.base.i18n import N_, _


class ContractKind(StrEnum):
    """The kinds county offices' contract rules (行政机关合同管理办法) keep apart."""

    PROCUREMENT = "procurement"  # 采购 (goods)
    CONSTRUCTION = "construction"  # 工程
    SERVICE = "service"  # 服务
    LEASE = "lease"  # 租赁 / 国有资产出租出借
    TRANSFER = "transfer"  # 国有资产出让、转让
    CONCESSION = "concession"  # 特许经营
    COOPERATION = "cooperation"  # 合作 (PPP and the like)
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(CONTRACT_KIND_LABELS[self])


CONTRACT_KIND_LABELS = {
    ContractKind.PROCUREMENT: N_("procurement"),
    ContractKind.CONSTRUCTION: N_("construction"),
    ContractKind.SERVICE: N_("services"),
    ContractKind.LEASE: N_("lease"),
    ContractKind.TRANSFER: N_("sale or transfer of assets"),
    ContractKind.CONCESSION: N_("concession"),
    ContractKind.COOPERATION: N_("cooperation"),
    ContractKind.OTHER: N_("other"),
}


class ProcurementMethod(StrEnum):
    """The procurement methods of the Government Procurement Law (政府采购法 art. 26) and the framework
    agreement rules, plus purchases below the procurement thresholds."""

    OPEN_TENDER = "open_tender"  # 公开招标
    INVITED_TENDER = "invited_tender"  # 邀请招标
    COMPETITIVE_NEGOTIATION = "competitive_negotiation"  # 竞争性谈判
    COMPETITIVE_CONSULTATION = "competitive_consultation"  # 竞争性磋商
    SINGLE_SOURCE = "single_source"  # 单一来源
    REQUEST_FOR_QUOTATION = "request_for_quotation"  # 询价
    FRAMEWORK_AGREEMENT = "framework_agreement"  # 框架协议
    DIRECT = "direct"  # 限额以下自行采购
    NOT_APPLICABLE = "not_applicable"  # not a procurement (a lease, a cooperation …)

    @property
    def label(self) -> str:
        return _(PROCUREMENT_METHOD_LABELS[self])


PROCUREMENT_METHOD_LABELS = {
    ProcurementMethod.OPEN_TENDER: N_("open tender"),
    ProcurementMethod.INVITED_TENDER: N_("invited tender"),
    ProcurementMethod.COMPETITIVE_NEGOTIATION: N_("competitive negotiation"),
    ProcurementMethod.COMPETITIVE_CONSULTATION: N_("competitive consultation"),
    ProcurementMethod.SINGLE_SOURCE: N_("single source"),
    ProcurementMethod.REQUEST_FOR_QUOTATION: N_("request for quotation"),
    ProcurementMethod.FRAMEWORK_AGREEMENT: N_("framework agreement"),
    ProcurementMethod.DIRECT: N_("purchase below the procurement threshold"),
    ProcurementMethod.NOT_APPLICABLE: N_("not a procurement"),
}


class AttachmentKind(StrEnum):
    """Files kept with a contract and handed to the archive, in the order the archive packet lists them."""

    COUNTERPARTY_LICENCE = "counterparty_licence"  # 对方主体资格、资质材料
    REVIEW_OPINION = "review_opinion"  # 合法性审查意见书
    APPROVAL_SHEET = "approval_sheet"  # 合同审批单
    MINUTES = "minutes"  # 会议纪要
    SIGNED_ORIGINAL = "signed_original"  # 签署的合同原件（扫描件）
    CORRESPONDENCE = "correspondence"  # 往来函件
    DRAFT_RECEIVED = "draft_received"  # 对方提供的合同文本（合同识别的来源）
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(ATTACHMENT_KIND_LABELS[self])


ATTACHMENT_KIND_LABELS = {
    AttachmentKind.COUNTERPARTY_LICENCE: N_("counterparty's licence and qualifications"),
    AttachmentKind.REVIEW_OPINION: N_("legality review opinion"),
    AttachmentKind.APPROVAL_SHEET: N_("approval sheet"),
    AttachmentKind.MINUTES: N_("meeting minutes"),
    AttachmentKind.SIGNED_ORIGINAL: N_("scanned signed original"),
    AttachmentKind.CORRESPONDENCE: N_("correspondence"),
    AttachmentKind.DRAFT_RECEIVED: N_("the other party's draft the contract was read from"),
    AttachmentKind.OTHER: N_("other file"),
}
