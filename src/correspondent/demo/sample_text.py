"""The words the sample mail generator writes with: names, companies, subjects and sentences.

Kept apart from ``sample_mail`` so the generator stays readable. The Japanese strings use only
JIS X 0208 characters, so every one of them can be sent as ISO-2022-JP.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Alice", "Ben", "Chloe", "Daniel", "Emma", "Felix", "Grace", "Hugo", "Isabel", "Jonas",
    "Kate", "Liam", "Maria", "Noah", "Olivia", "Paul", "Quinn", "Ruth", "Sam", "Tara", "Victor",
    "Wendy", "Yusuf", "Zoe", "José", "Søren", "Chloé", "Rahul", "Mei", "Ana",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Brown", "Garcia", "Müller", "Rossi", "Dubois", "Novak", "Kowalski",
    "Andersen", "Silva", "Khan", "Chen", "Okafor", "Walsh", "Larsen", "Moreau", "Fischer",
    "Patel", "Murphy", "Nakamura", "O'Brien",
)  # fmt: skip
COMPANIES = (
    ("Northwind Traders", "northwind.test"),
    ("Contoso Pharmaceuticals", "contoso.test"),
    ("Fabrikam Inc.", "fabrikam.test"),
    ("Tailspin Toys", "tailspin.test"),
    ("Adventure Works", "adventure-works.test"),
    ("Litware GmbH", "litware.test"),
    ("Proseware SA", "proseware.test"),
    ("Wide World Importers", "wideworld.test"),
    ("Coho Winery", "cohowinery.test"),
    ("Lucerne Publishing", "lucerne.test"),
    ("Trey Research", "treyresearch.test"),
)
JAPANESE_PEOPLE = (  # (display name, address, company)
    ("山田 太郎", "taro.yamada@yamada-shoji.test", "株式会社山田商事"),
    ("佐藤 花子", "hanako.sato@tokyo-seiki.test", "東京精機株式会社"),
    ("鈴木 一郎", "ichiro.suzuki@sakura-sys.test", "株式会社さくらシステムズ"),
    ("高橋 美咲", "misaki.takahashi@osaka-bussan.test", "大阪物産株式会社"),
    ("田中 健太", "kenta.tanaka@mirai-kensetsu.test", "株式会社みらい建設"),
)
PRODUCTS = (
    "the Enterprise plan", "AX-200 sensors", "the analytics add-on", "annual support",
    "the Q3 shipment", "the pilot project", "the warehouse scanners", "the training package",
)  # fmt: skip
DAYS = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next week", "the 14th",
    "end of month",
)  # fmt: skip
# Placeholders: {p} product, {n} number, {d} day, {v} version, {a} amount, {c} company.
SUBJECTS = (
    "Quote for {p}", "Renewal of {p}", "Invoice {n} for {p}", "Meeting on {d} about {p}",
    "Follow-up: {p}", "Question about order {n}", "Updated proposal – {p}", "Contract draft v{v}",
    "Shipping delay on order {n}", "Support case {n}: login issue", "Pricing for {p}",
    "Introduction: {c} and {p}", "Agenda for {d}", "Feedback on {p}",
)  # fmt: skip
SENTENCES = (
    "Thanks for your time on the call yesterday.",
    "As promised, here is a short summary of where we are with {p}.",
    "Could you confirm the quantities before {d}?",
    "Our finance team needs the signed order form to release the invoice.",
    "The delivery is planned for {d}, subject to stock.",
    "I have copied my colleague, who looks after the technical side.",
    "Let me know if the price of {a} EUR works for you.",
    "We would like to extend {p} for another twelve months.",
    "Is {d} still good for a short meeting?",
    "I have attached the latest figures for your review.",
    "There was a small mistake in the previous version, sorry about that.",
    "Please find our comments below.",
    "The legal team at {c} has approved the changes.",
    "We expect the first results within two weeks.",
    "Happy to discuss any questions you may have.",
    "Payment terms are thirty days from the invoice date.",
)
JAPANESE_SUBJECTS = (
    "お見積りのご依頼について", "打ち合わせ日程のご相談", "請求書送付のご案内", "納品日のご確認",
    "契約更新についてのご連絡", "資料送付の件", "先日のお礼", "新製品のご案内",
)  # fmt: skip
JAPANESE_SENTENCES = (
    "先日はお忙しいところお時間をいただき、誠にありがとうございました。",
    "ご依頼いただいておりましたお見積書をお送りいたします。",
    "ご確認のほど、よろしくお願い申し上げます。",
    "納期につきましては、ご発注後約二週間を予定しております。",
    "来週の打ち合わせの日程について、候補日をご提案いたします。",
    "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "契約の更新手続きについてご案内いたします。",
    "資料の内容についてご意見をいただけますと幸いです。",
    "価格は税抜きで百二十万円となります。",
)
FILE_STEMS = {
    "pdf": ("Quote", "Invoice", "Proposal", "Contract_signed"),
    "png": ("screenshot", "chart", "logo"),
    "csv": ("orders", "forecast"),
    "docx": ("Meeting_notes", "Agenda"),
}
JAPANESE_FILE_STEMS = {
    "pdf": ("御見積書", "請求書"),
    "png": ("構成図",),
    "csv": ("売上データ",),
    "docx": ("議事録",),
}
