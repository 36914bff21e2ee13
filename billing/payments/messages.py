"""The protocols' own error texts.

Payme (developer.help.paycom.uz, "Merchant API" → "Ошибки (ERRORS)"): every error carries
``message`` as an object with the texts in ``uz``, ``ru`` and ``en``, which Payme shows to the
payer in their language; the texts are part of the reply (and a repeated call gets the same
reply), so they live here and not in Django's catalogues. Account errors (-31050 … -31099)
carry ``data`` = the name of the ``account`` sub-field ("account").

Click (docs.click.uz, "SHOP API" → "Ошибки"): ``error_note`` is English, exactly as Click's
table spells it (its test suite compares the notes).
"""

from __future__ import annotations

from typing import TypedDict


class Localized(TypedDict):
    uz: str
    ru: str
    en: str


# --- Payme: JSON-RPC and Merchant API error codes ---------------------------------------------
METHOD_NOT_POST = -32300
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INSUFFICIENT_PRIVILEGE = -32504
SYSTEM_ERROR = -32400
INVALID_AMOUNT = -31001
TRANSACTION_NOT_FOUND = -31003
CANNOT_CANCEL = -31007
CANNOT_PERFORM = -31008
ACCOUNT_NOT_FOUND = -31050

PAYME: dict[int, Localized] = {
    METHOD_NOT_POST: {
        "uz": "So‘rov POST usulida yuborilishi kerak",
        "ru": "Запрос должен быть отправлен методом POST",
        "en": "The request must be sent with POST",
    },
    PARSE_ERROR: {
        "uz": "JSON tahlil qilinmadi",
        "ru": "Ошибка разбора JSON",
        "en": "The JSON could not be parsed",
    },
    INVALID_REQUEST: {
        "uz": "RPC so‘rovida majburiy maydonlar yo‘q yoki ularning turi noto‘g‘ri",
        "ru": "В RPC-запросе отсутствуют обязательные поля или тип полей неверен",
        "en": "The RPC request lacks required fields or a field has the wrong type",
    },
    METHOD_NOT_FOUND: {
        "uz": "So‘ralgan metod topilmadi",
        "ru": "Запрашиваемый метод не найден",
        "en": "The requested method was not found",
    },
    INSUFFICIENT_PRIVILEGE: {
        "uz": "Metodni bajarish uchun huquq yetarli emas",
        "ru": "Недостаточно привилегий для выполнения метода",
        "en": "Insufficient privileges to perform this method",
    },
    SYSTEM_ERROR: {
        "uz": "Tizim xatosi",
        "ru": "Системная ошибка",
        "en": "System error",
    },
    INVALID_AMOUNT: {
        "uz": "Noto‘g‘ri summa: bitta to‘lov belgilangan chegaralardan tashqarida",
        "ru": "Неверная сумма: платёж вне допустимых пределов",
        "en": "Invalid amount: the payment is outside the allowed limits",
    },
    TRANSACTION_NOT_FOUND: {
        "uz": "Tranzaksiya topilmadi",
        "ru": "Транзакция не найдена",
        "en": "Transaction not found",
    },
    CANNOT_CANCEL: {
        "uz": "Tranzaksiyani bekor qilib bo‘lmaydi",
        "ru": "Невозможно отменить транзакцию",
        "en": "The transaction cannot be cancelled",
    },
    CANNOT_PERFORM: {
        "uz": "Amalni bajarib bo‘lmaydi: tranzaksiya holati bunga yo‘l qo‘ymaydi",
        "ru": "Невозможно выполнить операцию: состояние транзакции не позволяет",
        "en": "The operation cannot be performed in the transaction's state",
    },
    ACCOUNT_NOT_FOUND: {
        "uz": "Shaxsiy hisob raqami topilmadi",
        "ru": "Лицевой счёт не найден",
        "en": "Personal account number not found",
    },
}

# --- Click: SHOP API error codes and notes ------------------------------------------------------
CLICK_SUCCESS = 0
CLICK_SIGN_FAILED = -1
CLICK_BAD_AMOUNT = -2
CLICK_ACTION_NOT_FOUND = -3
CLICK_ALREADY_PAID = -4
CLICK_USER_NOT_FOUND = -5
CLICK_TRANSACTION_NOT_FOUND = -6
CLICK_UPDATE_FAILED = -7
CLICK_BAD_REQUEST = -8
CLICK_CANCELLED = -9

CLICK: dict[int, str] = {
    CLICK_SUCCESS: "Success",
    CLICK_SIGN_FAILED: "SIGN CHECK FAILED!",
    CLICK_BAD_AMOUNT: "Incorrect parameter amount",
    CLICK_ACTION_NOT_FOUND: "Action not found",
    CLICK_ALREADY_PAID: "Already paid",
    CLICK_USER_NOT_FOUND: "User does not exist",
    CLICK_TRANSACTION_NOT_FOUND: "Transaction does not exist",
    CLICK_UPDATE_FAILED: "Failed to update user",
    CLICK_BAD_REQUEST: "Error in request from click",
    CLICK_CANCELLED: "Transaction cancelled",
}
