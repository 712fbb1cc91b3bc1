// The one catalogue of errors. Each has a stable code (clients and tests depend on it), an HTTP
// status, and its text in Mongolian and English with {placeholders}. Domain code throws
// `AppError(code, params)`; the edge renders it as RFC 9457 problem details for the API and as an
// error page or error summary for people.
import type { Lang } from './i18n.ts';

export interface ErrorDefinition {
  status: number;
  mn: string;
  en: string;
}

export const errorCatalogue = {
  NOT_FOUND: { status: 404, mn: 'Хуудас олдсонгүй.', en: 'Page not found.' },
  SERVICE_NOT_FOUND: { status: 404, mn: '"{id}" үйлчилгээ олдсонгүй.', en: 'There is no service "{id}".' },
  AGENCY_NOT_FOUND: { status: 404, mn: '"{id}" байгууллага олдсонгүй.', en: 'There is no agency "{id}".' },
  SECTOR_NOT_FOUND: { status: 404, mn: '"{id}" салбар олдсонгүй.', en: 'There is no sector "{id}".' },
  VALIDATION_FAILED: {
    status: 400,
    mn: 'Илгээсэн мэдээлэл буруу байна: {detail}',
    en: 'The request is not valid: {detail}',
  },
  QUERY_TOO_LONG: {
    status: 400,
    mn: 'Хайлтын үг хэт урт байна. {max} тэмдэгтээс хэтрэхгүй байна уу.',
    en: 'The search is too long. Use at most {max} characters.',
  },
  BODY_TOO_LARGE: { status: 413, mn: 'Илгээсэн мэдээлэл хэт том байна.', en: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    mn: 'Энэ төрлийн мэдээллийг хүлээн авахгүй: {type}.',
    en: 'This content type is not accepted: {type}.',
  },
  MALFORMED_BODY: {
    status: 400,
    mn: 'Илгээсэн мэдээллийг уншиж чадсангүй. JSON буруу бичигдсэн байж магадгүй.',
    en: 'The request body could not be read. The JSON may be malformed.',
  },
  TEXT_UNSTORABLE: {
    status: 400,
    mn: '"{field}" талбарт хадгалах боломжгүй тэмдэгт (NUL буюу тэг тэмдэгт, эсвэл эвдэрсэн үсэг) байна. Түүнийг арилгаад дахин илгээнэ үү.',
    en: 'The field "{field}" holds a character that cannot be kept (a NUL character or a broken letter). Remove it and send again.',
  },
  VALUE_UNSTORABLE: {
    status: 400,
    mn: 'Илгээсэн утгын нэг нь хадгалах боломжгүй тэмдэгттэй (NUL буюу тэг тэмдэгт, эсвэл эвдэрсэн үсэг) байна. Түүнийг арилгаад дахин илгээнэ үү.',
    en: 'A value sent holds a character that cannot be kept (a NUL character or a broken letter). Remove it and send again.',
  },
  NESTING_TOO_DEEP: {
    status: 400,
    mn: 'Илгээсэн мэдээлэл хэт олон давхар үүртэй байна (хамгийн ихдээ {max} давхар).',
    en: 'The request is nested too deeply (more than {max} levels).',
  },
  METHOD_NOT_ALLOWED: { status: 405, mn: 'Энэ хаяг {method} хүсэлт хүлээж авахгүй.', en: 'This address does not accept {method}.' },
  UNAUTHENTICATED: { status: 401, mn: 'Эхлээд нэвтэрнэ үү.', en: 'Please sign in first.' },
  FORBIDDEN: {
    status: 403,
    mn: 'Танд энэ үйлдлийг хийх эрх байхгүй.',
    en: 'You do not have permission to do this.',
  },
  FORBIDDEN_OTHER_AGENCY: {
    status: 403,
    mn: 'Та зөвхөн өөрийн байгууллагын үйлчилгээг удирдах эрхтэй.',
    en: 'You can only manage your own agency’s services.',
  },
  CSRF_INVALID: {
    status: 403,
    mn: 'Маягтын хугацаа дууссан эсвэл өөр хуудаснаас илгээгдсэн байна. Хуудсыг дахин ачаалж, дахин оролдоно уу.',
    en: 'The form has expired or was sent from another page. Reload the page and try again.',
  },
  DEV_LOGIN_DISABLED: {
    status: 404,
    mn: 'Хөгжүүлэлтийн нэвтрэлт идэвхгүй байна.',
    en: 'Development sign-in is not enabled.',
  },
  SLUG_TAKEN: {
    status: 409,
    mn: '"{slug}" хаягтай үйлчилгээ аль хэдийн байна.',
    en: 'A service with the address "{slug}" already exists.',
  },
  STALE_EDIT: {
    status: 409,
    mn: 'Энэ үйлчилгээг таныг засаж байх хооронд өөр хүн өөрчилсөн байна. Шинэ хувилбарыг шалгаад дахин засна уу.',
    en: 'Someone else changed this service while you were editing it. Check the new version and edit again.',
  },
  ACTION_NOT_ALLOWED: {
    status: 409,
    mn: '"{action}" үйлдлийг "{state}" төлөвт хийх боломжгүй. Боломжит үйлдэл: {allowed}.',
    en: 'Action "{action}" cannot be performed in state "{state}". Allowed actions: {allowed}.',
  },
  REGISTRY_NOT_FOUND: { status: 404, mn: '"{id}" бүртгэл олдсонгүй.', en: 'There is no registry "{id}".' },
  REGISTRY_EXISTS: { status: 409, mn: '"{id}" бүртгэл аль хэдийн байна.', en: 'A registry "{id}" already exists.' },
  REGISTRY_SCHEMA_INVALID: {
    status: 400,
    mn: 'Бүртгэлийн JSON Schema буруу байна: {detail}',
    en: 'The registry’s JSON Schema is not valid: {detail}',
  },
  RECORD_NOT_FOUND: { status: 404, mn: 'Бичлэг олдсонгүй.', en: 'No record found.' },
  RECORD_EXISTS: { status: 409, mn: '"{key}" түлхүүртэй бичлэг аль хэдийн байна.', en: 'A record with key "{key}" already exists.' },
  RECORD_INVALID: {
    status: 400,
    mn: 'Бичлэг бүртгэлийн схемд нийцэхгүй байна: {detail}',
    en: 'The record does not match the registry’s schema: {detail}',
  },
  REGISTER_NUMBER_INVALID: {
    status: 400,
    mn: 'Регистрийн дугаараа кирилл 2 үсэг, 8 оронтой тоогоор бичнэ үү (жишээ нь УБ90051428). Гадаадын иргэн бол Ф үсэг, 12 оронтой тоо.',
    en: 'Enter your register number as 2 Cyrillic letters and 8 digits (for example УБ90051428). Foreign residents: Ф and 12 digits.',
  },
  LOGIN_UNKNOWN_PERSON: {
    status: 400,
    mn: 'Энэ регистрийн дугаараар нэвтрэх боломжгүй. Дугаараа шалгана уу, эсвэл ойрын үйлчилгээний төвд хандана уу.',
    en: 'You cannot sign in with this register number. Check the number, or visit a service centre.',
  },
  LOGIN_MINOR: {
    status: 403,
    mn: '{age} наснаас доош хүүхэд ганцаараа нэвтрэх боломжгүй. Эцэг эх тань өөрийн нэрээр нэвтэрч, таны өмнөөс үйлчилгээ авна.',
    en: 'Children under {age} cannot sign in on their own. A parent can sign in and act for you.',
  },
  LOGIN_NO_MOBILE: {
    status: 400,
    mn: 'Таны бүртгэлд гар утасны дугаар алга. Өөр аргаар нэвтэрнэ үү, эсвэл дугаараа үйлчилгээний төвд бүртгүүлнэ үү.',
    en: 'No mobile number is registered for you. Choose another way to sign in, or register your number at a service centre.',
  },
  LOGIN_TOO_MANY_CODES: {
    status: 429,
    mn: 'Нэг цагт хэт олон код илгээлээ. Цагийн дараа дахин оролдоно уу, эсвэл өөр аргаар нэвтэрнэ үү.',
    en: 'Too many codes were sent this hour. Try again in an hour, or choose another way to sign in.',
  },
  LOGIN_CODE_FORMAT: { status: 400, mn: 'Код 6 оронтой тоо байна.', en: 'The code is 6 digits.' },
  LOGIN_CODE_WRONG: {
    status: 400,
    mn: 'Код буруу байна. Дахин {left} удаа оролдох боломжтой.',
    en: 'The code is not right. You have {left} more tries.',
  },
  LOGIN_CODE_EXPIRED: { status: 400, mn: 'Кодын хугацаа дууссан. Шинэ код авна уу.', en: 'The code has expired. Ask for a new one.' },
  LOGIN_CODE_LOCKED: {
    status: 400,
    mn: 'Буруу код олон удаа орууллаа. Шинэ код авна уу.',
    en: 'Too many wrong codes. Ask for a new one.',
  },
  LOGIN_CODE_NONE: { status: 400, mn: 'Энэ кодыг ашигласан эсвэл илгээгээгүй байна. Шинэ код авна уу.', en: 'This code has been used or was never sent. Ask for a new one.' },
  LOGIN_LOCKED: {
    status: 429,
    mn: 'Амжилтгүй оролдлого олон байлаа. {seconds} секундын дараа дахин оролдоно уу, эсвэл өөр аргаар нэвтэрнэ үү.',
    en: 'Too many failed attempts. Wait {seconds} s before trying again, or choose another way to sign in.',
  },
  LOGIN_EXPIRED: {
    status: 400,
    mn: 'Нэвтрэх хугацаа дууссан эсвэл өөр хөтчөөс эхэлсэн байна. Дахин эхлүүлнэ үү.',
    en: 'This sign-in has expired or was started in another browser. Start again.',
  },
  LOGIN_NOT_REPRESENTED: {
    status: 403,
    mn: 'Та энэ хүн эсвэл байгууллагын өмнөөс үйлдэл хийх эрхгүй байна (итгэмжлэлийн хугацаа дууссан байж магадгүй).',
    en: 'You may not act for this person or organisation (a power of attorney may have expired).',
  },
  LOGIN_QR_WRONG_PERSON: {
    status: 403,
    mn: 'Энэ нэвтрэлтийг өөр хүн эхлүүлсэн байна. Зөвхөн өөрийн нэвтрэлтийг баталгаажуулна уу.',
    en: 'Someone else started this sign-in. Approve only your own.',
  },
  LOGIN_SIGNATURE_INVALID: {
    status: 400,
    mn: 'Тоон гарын үсэг баталгаажсангүй: {reason}',
    en: 'The digital signature could not be verified: {reason}',
  },
  OIDC_CLIENT_INVALID: {
    status: 400,
    mn: 'Харилцагч системийн бүртгэл буруу байна: {detail}',
    en: 'The relying party registration is not valid: {detail}',
  },
  STAFF_INVALID: { status: 400, mn: 'Ажилтны мэдээлэл буруу байна: {detail}', en: 'The staff entry is not valid: {detail}' },
  POWER_INVALID: { status: 400, mn: 'Итгэмжлэлийн мэдээлэл буруу байна: {detail}', en: 'The power of attorney is not valid: {detail}' },
  SESSION_NOT_FOUND: { status: 404, mn: 'Ийм нэвтрэлт олдсонгүй.', en: 'There is no such session.' },
  LOGIN_QR_EXPIRED: {
    status: 410,
    mn: 'QR кодын хугацаа дууссан (5 минут). Шинэ код үүсгэж дахин эхлүүлнэ үү.',
    en: 'This QR code has expired (it works for 5 minutes). Make a new one and start again.',
  },
  LOGIN_QR_DECIDED: {
    status: 409,
    mn: 'Энэ нэвтрэлтийг аль хэдийн зөвшөөрсөн эсвэл татгалзсан байна.',
    en: 'This sign-in has already been approved or refused.',
  },
  DEVICE_KEY_INVALID: {
    status: 400,
    mn: 'Төхөөрөмжийн түлхүүр буруу байна: {detail}',
    en: 'The device key is not valid: {detail}',
  },
  DEVICE_UNKNOWN: {
    status: 403,
    mn: 'Энэ төхөөрөмж таны нэр дээр бүртгэлгүй эсвэл хасагдсан байна.',
    en: 'This device is not registered to you, or it has been removed.',
  },
  DEVICE_LIMIT: {
    status: 409,
    mn: 'Та {limit} хүртэл төхөөрөмж бүртгэх боломжтой. Хэрэглэхгүй төхөөрөмжөө хасна уу.',
    en: 'You can register up to {limit} devices. Remove one you no longer use.',
  },
  BANK_NOT_AVAILABLE: {
    status: 404,
    mn: 'Энэ банкаар нэвтрэх боломжгүй байна. Өөр аргаар нэвтэрнэ үү.',
    en: 'Signing in with this bank is not available. Choose another way to sign in.',
  },
  BANK_ANSWER_INVALID: {
    status: 400,
    mn: 'Банкнаас ирсэн хариуг баталгаажуулж чадсангүй. Банкаа дахин сонгож оролдоно уу.',
    en: 'We could not verify the answer from your bank. Choose your bank and try again.',
  },
  BANK_ANSWER_EXPIRED: {
    status: 400,
    mn: 'Банкнаас ирсэн хариуны хугацаа дууссан байна. Банкаа дахин сонгож оролдоно уу.',
    en: 'The answer from your bank has expired. Choose your bank and try again.',
  },
  BANK_ANSWER_USED: {
    status: 400,
    mn: 'Банкнаас ирсэн энэ хариуг аль хэдийн ашигласан байна. Банкаа дахин сонгож оролдоно уу.',
    en: 'This answer from your bank has already been used. Choose your bank and try again.',
  },
  BANK_STATE_MISMATCH: {
    status: 400,
    mn: 'Банкнаас ирсэн хариу энэ нэвтрэлтэд хамаарахгүй эсвэл хугацаа нь дууссан байна. Банкаа дахин сонгоно уу.',
    en: 'The answer from your bank does not belong to this sign-in, or it has expired. Choose your bank again.',
  },
  BANK_WRONG_PERSON: {
    status: 403,
    mn: 'Энэ банкны данс өөр хүнийх байна. Өөрийн дансаар нэвтэрнэ үү.',
    en: 'This bank account belongs to someone else. Sign in with your own bank account.',
  },
  BANK_CANCELLED: {
    status: 400,
    mn: 'Банкны нэвтрэлт цуцлагдсан. Дахин оролдох эсвэл өөр аргаар нэвтэрнэ үү.',
    en: 'Signing in at your bank was cancelled. Try again or choose another way to sign in.',
  },
  LOGIN_PERMIT_EXPIRED: {
    status: 403,
    mn: 'Таны оршин суух зөвшөөрлийн хугацаа {date}-нд дууссан тул нэвтрэх боломжгүй. Зөвшөөрлөө Гадаадын иргэн, харьяатын газарт сунгуулна уу.',
    en: 'Your residence permit expired on {date}, so you cannot sign in. Renew your permit at the Immigration Agency of Mongolia.',
  },
  // Documents and references
  DOCUMENT_NOT_FOUND: { status: 404, mn: '{id} дугаартай баримт бичиг олдсонгүй. Дугаарыг шалгаад дахин оролдоно уу.', en: 'No document was issued with the number {id}. Check the number and try again.' },
  DOCUMENT_ALREADY_REVOKED: { status: 409, mn: '{id} баримт бичиг аль хэдийн хүчингүй болсон.', en: 'Document {id} has already been revoked.' },
  DOCUMENT_REVOKE_REASON: { status: 400, mn: 'Хүчингүй болгох шалтгааныг 500 хүртэл тэмдэгтээр бичнэ үү.', en: 'Give the reason for revoking, in at most 500 characters.' },
  REFERENCE_NOT_FOUND: { status: 404, mn: '"{slug}" лавлагааг цахимаар авах боломжгүй байна.', en: 'The reference "{slug}" cannot be requested online.' },
  REFERENCE_CONSENT_REQUIRED: { status: 400, mn: 'Лавлагаа авахын тулд мэдээллээ авахыг зөвшөөрч буйгаа тэмдэглэнэ үү.', en: 'Tick the box to agree that your data may be fetched for this reference.' },
  REFERENCE_WRONG_AUDIENCE: { status: 403, mn: 'Энэ лавлагааг {who} авна. Та өөр нэрийн өмнөөс нэвтэрнэ үү.', en: 'This reference is for {who}. Sign in on their behalf to get it.' },
  REFERENCE_SOURCE_UNAVAILABLE: { status: 503, mn: 'Бүртгэл хөтлөгч байгууллагаас ({agency}) мэдээлэл авч чадсангүй. Юу ч хадгалагдаагүй; хэсэг хугацааны дараа дахин оролдоно уу.', en: 'The register of {agency} could not be reached. Nothing was kept; try again in a little while.' },
  APPLICATION_NOT_FOUND: { status: 404, mn: '"{slug}" үйлчилгээнд цахимаар өргөдөл гаргах боломжгүй байна.', en: 'The service "{slug}" does not take applications online.' },
  APPLICATION_FORM_INVALID: { status: 400, mn: 'Маягтын тодорхойлолт буруу: {detail}', en: 'The form definition is not valid: {detail}' },
  APPLICATION_ANSWERS_INVALID: { status: 400, mn: 'Өргөдлийн зарим хариулт дутуу эсвэл буруу байна.', en: 'Some answers are missing or not valid.' },
  DRAFT_NOT_FOUND: { status: 404, mn: 'Бөглөж буй өргөдөл олдсонгүй. Дахин эхлүүлнэ үү.', en: 'The form you were filling in was not found. Please start again.' },
  ATTACHMENT_INVALID: { status: 400, mn: '{label}: {reason}', en: '{label}: {reason}' },
  FEE_NOT_PAID: { status: 409, mn: 'Хураамж төлөгдөөгүй тул хүсэлтийг шийдвэрлэж эхлэх боломжгүй.', en: 'The fee has not been paid, so the request cannot be processed yet.' },
  NOT_ASSIGNED: { status: 409, mn: 'Энэ хүсэлтийг {assignee} шийдвэрлэж байна. Эхлээд өөртөө хуваарилна уу.', en: 'This request is handled by {assignee}. Assign it to yourself first.' },
  REQUEST_CHANGED: { status: 409, mn: '{number} хүсэлтийг яг одоо өөр хүн өөрчилсөн байна. Хуудсыг дахин ачаалаад дахин оролдоно уу.', en: 'Someone else changed request {number} just now. Reload the page and try again.' },
  REQUEST_NOT_FOUND: { status: 404, mn: '{number} дугаартай хүсэлт олдсонгүй.', en: 'There is no request numbered {number}.' },
  // GovStack's Registration API over applications (modules/applications/govstack-registration.ts).
  REGISTRATION_TASK_NOT_FOUND: { status: 404, mn: '"{id}" нээлттэй ажил олдсонгүй. Хийгдсэн эсвэл өөр байгууллагынх байж магадгүй.', en: 'There is no open task "{id}". It may be done already, or another agency’s.' },
  REGISTRATION_EFORM_NOT_FOUND: { status: 404, mn: '"{id}" маягт олдсонгүй. Маягтын дугаар "үйлчилгээ@хувилбар" хэлбэртэй.', en: 'There is no form "{id}". Form ids are "service@version".' },
  REGISTRATION_DOCUMENT_NOT_FOUND: { status: 404, mn: 'Ийм хавсралт олдсонгүй.', en: 'There is no such uploaded document.' },
  REGISTRATION_EXCHANGE_REFUSED: { status: 401, mn: 'Мэдээлэл солилцооны давхарга дуудагчийг баталгаажуулсангүй: {reason}', en: 'The data exchange did not authenticate the caller: {reason}' },
  IM_CLIENT_INVALID: { status: 400, mn: 'Information-Mediator-Client толгой мэдээлэл байхгүй эсвэл буруу. INSTANCE/CLASS/MEMBER/SUBSYSTEM хэлбэртэй байна.', en: 'The Information-Mediator-Client header is missing or malformed. It is INSTANCE/CLASS/MEMBER/SUBSYSTEM.' },
  // Messaging: the inbox, the outbox and addresses given to it.
  MESSAGE_NOT_FOUND: { status: 404, mn: 'Ийм мессеж олдсонгүй.', en: 'There is no such message.' },
  MESSAGE_NOT_DEAD: {
    status: 409,
    mn: 'Зөвхөн хүргэж чадаагүй (оролдлого нь дууссан) мессежийг дахин илгээнэ. Энэ мессежийн төлөв: "{status}".',
    en: 'Only a message whose delivery attempts have run out can be sent again. This message is "{status}".',
  },
  MESSAGE_ADDRESS_INVALID: {
    status: 400,
    mn: '{channel} илгээх хаяг буруу байна. Утасны дугаар 8 оронтой тоо, имэйл хаяг нэр@домэйн хэлбэртэй байна.',
    en: 'The {channel} address is not valid. A mobile number has 8 digits; an e-mail address looks like name@domain.',
  },
  MESSAGE_NO_RECIPIENT: {
    status: 400,
    mn: 'Мессеж илгээх хаяг алга: хүлээн авагчид {channels} сувгийн аль нэгийн хаяг бүртгэлгүй байна.',
    en: 'There is nowhere to send this message: the recipient has no address for any of {channels}.',
  },
  // Payments (modules/payments): invoices for state fees and their provider.
  PAYMENT_INVOICE_NOT_FOUND: { status: 404, mn: 'Нэхэмжлэх олдсонгүй.', en: 'There is no such invoice.' },
  PAYMENT_INVOICE_INVALID: { status: 400, mn: 'Нэхэмжлэхийн мэдээлэл буруу байна: {detail}', en: 'The invoice is not valid: {detail}' },
  PAYMENT_ACTION_NOT_ALLOWED: {
    status: 409,
    mn: '{number} нэхэмжлэх "{state}" төлөвт байгаа тул "{action}" үйлдэл хийх боломжгүй. Боломжит үйлдэл: {allowed}.',
    en: 'Invoice {number} is in state "{state}", where "{action}" is not allowed. Allowed actions: {allowed}.',
  },
  PAYMENT_NOT_REFUNDABLE: {
    status: 409,
    mn: '{number} нэхэмжлэхийн төлбөрийг буцаан олгохгүй ("{state}" төлөвт байна; энэ хураамж буцаагдахгүй).',
    en: 'Invoice {number} cannot be refunded (it is in state "{state}"; this fee is not refundable).',
  },
  PAYMENT_REASON_REQUIRED: { status: 400, mn: 'Буцаан олголтын шалтгааныг бичнэ үү (500 тэмдэгт хүртэл).', en: 'Enter the reason for the refund (up to 500 characters).' },
  PAYMENT_IDEMPOTENCY_CONFLICT: {
    status: 409,
    mn: 'Энэ давтагдашгүй түлхүүрээр өөр агуулгатай {number} нэхэмжлэх аль хэдийн үүссэн байна.',
    en: 'This idempotency key was already used for invoice {number}, with different details.',
  },
  PAYMENT_CALLBACK_INVALID: { status: 401, mn: 'Төлбөрийн мэдэгдлийн гарын үсэг буруу байна.', en: 'The payment notification’s signature is not valid.' },
  PAYMENT_PROVIDER_FAILED: {
    status: 502,
    mn: 'Төлбөрийн үйлчилгээ үзүүлэгч хариу өгсөнгүй. Хэсэг хугацааны дараа дахин оролдоно уу.',
    en: 'The payment provider did not answer. Please try again in a little while.',
  },
  PAYMENT_DATE_INVALID: { status: 400, mn: '"{date}" огноо буруу байна. yyyy-MM-dd хэлбэрээр бичнэ үү (жишээ нь 2026-12-02).', en: '"{date}" is not a date. Write it as yyyy-MM-dd (for example 2026-12-02).' },
  RATE_LIMITED: { status: 429, mn: 'Хэт олон хүсэлт илгээлээ. Түр хүлээгээд дахин оролдоно уу.', en: 'Too many requests. Wait a moment and try again.' },
  INTERNAL: {
    status: 500,
    mn: 'Системд алдаа гарлаа. Бид үүнийг засах болно. Дараа дахин оролдоно уу.',
    en: 'Something went wrong on our side. Please try again later.',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    mn: 'Мэдээллийн сан түр холбогдохгүй байна. Таны хүсэлтийг хүлээж аваагүй тул юу ч өөрчлөгдөөгүй. Хэдэн секундийн дараа дахин оролдоно уу.',
    en: 'The database cannot be reached just now, so your request was not taken and nothing was changed. Try again in a few seconds.',
  },
  UNAVAILABLE: {
    status: 503,
    mn: 'Үйлчилгээ түр ажиллахгүй байна. Дараа дахин оролдоно уу.',
    en: 'The service is temporarily unavailable. Please try again later.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldError {
  /** The field (form name, query parameter, JSON pointer) the problem is about. */
  field: string;
  message: string;
}

/** An error from the catalogue, carrying the values for its text and optional per-field details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: Record<string, string | number>;
  readonly fieldErrors: FieldError[];

  constructor(code: ErrorCode, params: Record<string, string | number> = {}, fieldErrors: FieldError[] = []) {
    super(`${code}: ${formatText(errorCatalogue[code].en, params)}`);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.params = params;
    this.fieldErrors = fieldErrors;
  }

  /** The message in the given language. */
  text(lang: Lang): string {
    return formatText(errorCatalogue[this.code][lang], this.params);
  }
}

function formatText(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The message of a catalogue entry in a language, for places that render without throwing. */
export function errorText(code: ErrorCode, lang: Lang, params: Record<string, string | number> = {}): string {
  return formatText(errorCatalogue[code][lang], params);
}

/** The problem type URI path segment for a code: NOT_FOUND -> not-found. */
export function problemSlug(code: ErrorCode): string {
  return code.toLowerCase().replace(/_/g, '-');
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalogue, value);
}
