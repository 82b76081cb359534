"""Checking, normalising, masking and redacting personal numbers (core/personal_data.py): GB 11643-1999 for the
身份证号, 1[3-9] and nine digits for a mobile, and messages in Chinese that name the field."""
import pytest
from django.core.exceptions import ValidationError

from core.personal_data import (
    ContactValidator, IdNumberValidator, MobileValidator, PhoneValidator, id_number_problem, mask_contact,
    mask_id_number, mask_mobile, mask_phone, normalize_id_number, normalize_mobile, normalize_phone, redact,
)
from tests import factories
from unions.models import UnionKind
from unions.services import union_create


@pytest.mark.parametrize("number", ["445202198003150036", "44520219850715003X", "11010519491231002X",
                                    factories.id_number(5), factories.id_number(123456)])
def test_valid_identity_numbers(number):
    assert id_number_problem(number) is None
    IdNumberValidator("身份证号")(number.lower())  # a lower-case x is accepted and stored upper-case


@pytest.mark.parametrize("number, problem", [
    ("44520219800315003", "应为 18 位"),                   # 17 characters
    ("4452021980031500366", "应为 18 位"),                 # 19
    ("44520219800315003A", "应为 18 位"),                  # a letter other than X
    ("X45202198003150036", "应为 18 位"),
    ("005202198003150036", "省级行政区划代码"),              # no province 00
    ("445202199902301234", "出生日期不存在"),                # 30 February
    ("445202189912310012", "不在合理范围内"),                # born in 1899
    ("445202299912310014", "不在合理范围内"),                # born in the future
    ("445202198003150037", "校验码不符"),                    # one digit off
    ("445202198003150063", "校验码不符"),                    # two digits swapped
])
def test_invalid_identity_numbers_say_why_and_name_the_field(number, problem):
    assert problem in id_number_problem(normalize_id_number(number))
    with pytest.raises(ValidationError) as error:
        IdNumberValidator("领衔人身份证号")(number)
    message = error.value.messages[0]
    assert message.startswith("领衔人身份证号不正确：") and problem in message and "GB 11643-1999" in message
    assert number not in message  # never repeated back: messages travel in sessions


@pytest.mark.parametrize("value, ok", [
    ("13812345678", True), ("19912345678", True), ("138 1234 5678", True), ("+8613812345678", True),
    ("138-1234-5678", True), ("12812345678", False), ("1381234567", False), ("138123456789", False),
    ("0663-8221234", False), ("", False), ("１３８１２３４５６７８", False),
])
def test_mobile_numbers(value, ok):
    if ok:
        MobileValidator("手机号")(value)
        assert normalize_mobile(value) == "13812345678" or normalize_mobile(value).startswith("199")
    else:
        with pytest.raises(ValidationError, match="^\\['手机号应为 11 位手机号码：以 1 开头，第二位为 3 至 9。'\\]$"):
            MobileValidator("手机号")(value)


def test_contact_telephones_and_objectors_contacts():
    for value in ("0663-8221234", "06638221234", "020-12345678", "13812345678"):
        PhoneValidator("联系电话")(value)
    assert normalize_phone("0663 8221234") == "0663-8221234" and normalize_phone("+86 138 1234 5678") == "13812345678"
    with pytest.raises(ValidationError, match="联系电话应为 11 位手机号码，或带区号的固定电话"):
        PhoneValidator("联系电话")("8221234")
    ContactValidator("联系方式")("lin@example.cn")
    with pytest.raises(ValidationError, match="联系方式应为手机号码、带区号的固定电话或电子邮箱"):
        ContactValidator("联系方式")("找林先生")


def test_a_union_contact_telephone_is_checked_where_it_is_kept(root):
    with pytest.raises(ValidationError) as error:
        union_create(parent=root, name="某县总工会", kind=UnionKind.COUNTY, contact_phone="电话待定")
    assert "联系电话应为 11 位手机号码" in error.value.message_dict["contact_phone"][0]


def test_masks():
    assert mask_id_number("445202198003151234") == "4452**********1234"
    assert mask_id_number("44520219850715003X") == "4452**********003X"
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0663-8221234") == "0663-***1234"
    assert mask_phone("020-12345678") == "020-****5678"
    assert mask_contact("lin.xiansheng@example.cn") == "l***@example.cn"
    assert mask_id_number("") == "" and mask_mobile("") == ""


def test_redact_masks_numbers_inside_text_and_leaves_other_numbers():
    text = ("领衔人 445202198003151234，电话 13812341234 或 +86 139-1234-5678；专利 ZL202410000001.1，"
            "凭证 20260115000123，文号 揭工总〔2026〕12号，金额 30000.00，编号 1381234123456")
    assert redact(text) == ("领衔人 4452**********1234，电话 138****1234 或 139****5678；专利 ZL202410000001.1，"
                            "凭证 20260115000123，文号 揭工总〔2026〕12号，金额 30000.00，编号 1381234123456")
    assert redact("") == "" and redact(None) is None
