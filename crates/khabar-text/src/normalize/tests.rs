use super::*;

fn search(s: &str) -> String {
    normalize(s, Profile::Search)
}

fn display(s: &str) -> String {
    normalize(s, Profile::Display)
}

/// Every rule, one input/expected pair each, checked with and without alignment.
#[test]
fn one_pair_per_rule() {
    let cases: &[(&str, &str, &str)] = &[
        ("harakat", "كَتَبَ", "كتب"),
        ("tanween", "ولداً ولدٌ ولدٍ", "ولدا ولد ولد"),
        ("shadda and sukun", "محمّد نلْسون", "محمد نلسون"),
        ("superscript alef", "هٰذا", "هذا"),
        ("maddah mark", "ا\u{0653}", "ا"),
        ("quranic marks", "الرحيم\u{06DA}", "الرحيم"),
        ("tatweel", "روبرـــــت", "روبرت"),
        ("alef hamza above", "أحمد", "احمد"),
        ("alef hamza below", "إعاذ", "اعاذ"),
        ("alef madda", "آجن", "اجن"),
        ("alef wasla", "ٱلكتاب", "الكتاب"),
        ("alef maksura", "بنى", "بني"),
        ("teh marbuta", "فاطمة", "فاطمه"),
        ("farsi yeh", "ایران", "ايران"),
        ("keheh", "کتاب", "كتاب"),
        ("heh with yeh above", "خانۀ", "خانه"),
        ("heh doachashmee", "ھذا", "هذا"),
        ("arabic-indic digits", "٢٠١٨", "2018"),
        ("extended arabic-indic digits", "۱۲۳۴", "1234"),
        ("arabic decimal separator", "٣٫٥", "3.5"),
        ("arabic thousands separator", "١٬٠٠٠", "1,000"),
        ("lam-alef ligature", "ﻻ", "لا"),
        ("lam-alef hamza ligature", "ﻷ", "لا"),
        ("presentation form b letters", "ﺑﺄﺱ", "باس"),
        ("presentation form a ligature", "ﷲ", "الله"),
        ("isolated mark form", "ب\u{FE70}", "ب"),
        ("rlm and lrm", "\u{200F}بوتين\u{200E}", "بوتين"),
        ("zwnj and zwj", "می\u{200C}خواهم", "ميخواهم"),
        ("arabic letter mark", "\u{061C}كيم", "كيم"),
        ("embeddings and overrides", "\u{202B}كيم\u{202C}", "كيم"),
        ("isolates", "\u{2067}كيم\u{2069}", "كيم"),
        ("bom", "\u{FEFF}كيم", "كيم"),
        ("nbsp", "كيم\u{00A0}جونغ", "كيم جونغ"),
        ("other spaces", "كيم\u{2009}جونغ\u{202F}أون", "كيم جونغ اون"),
        ("latin lowercase", "CNN Putin", "cnn putin"),
        ("non-ascii lowercase", "ÉTÉ Путин", "été путин"),
        ("combining hamza on waw", "مسو\u{0654}ول", "مسؤول"),
        ("combining hamza on yeh", "ي\u{0654}", "ئ"),
        ("hamza letters kept", "مسؤول قائد ماء", "مسؤول قائد ماء"),
        ("line breaks kept", "سطر\nسطر\tآخر", "سطر\nسطر\tاخر"),
    ];
    for (rule, input, expected) in cases {
        assert_eq!(&search(input), expected, "rule {rule}");
        assert_eq!(normalize_aligned(input, Profile::Search).normalized(), *expected, "aligned, rule {rule}");
    }
}

#[test]
fn display_only_removes_controls_and_decomposes_presentation_forms() {
    assert_eq!(display("\u{200F}أَحمد ﻻ ١٢ ة ـ"), "أَحمد لا ١٢ ة ـ");
    assert_eq!(display("ﻷ"), "لأ");
    assert_eq!(display("CNN"), "CNN");
}

#[test]
fn lucene_normalization_pairs() {
    let data = include_str!("../../tests/data/lucene_normalize.tsv");
    let mut n = 0;
    for line in data.lines().skip(1) {
        let mut f = line.split('\t');
        let (Some(input), Some(expected), Some(name)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        assert_eq!(search(input), expected, "Lucene {name}");
        n += 1;
    }
    assert_eq!(n, 14);
}

/// Each normalised character maps back to the original character it came from.
#[test]
fn alignment_maps_back() {
    let text = "\u{200F}أَحْمَدُ ﻻ ٢٠١٨ فاطمة";
    let n = normalize_aligned(text, Profile::Search);
    assert_eq!(n.normalized(), "احمد لا 2018 فاطمه");
    let back = |needle: &str| {
        let at = n.normalized().find(needle).unwrap();
        let span = n.to_original(at, at + needle.len()).unwrap();
        &text[span.range()]
    };
    // Marks between letters come along; those at the edges do not.
    assert_eq!(back("احمد"), "أَحْمَد");
    assert_eq!(back("لا"), "ﻻ");
    assert_eq!(back("ل"), "ﻻ");
    assert_eq!(back("2018"), "٢٠١٨");
    assert_eq!(back("01"), "٠١");
    assert_eq!(back("فاطمه"), "فاطمة");
    assert_eq!(n.to_original(0, 0).unwrap().range(), 3..3);
    assert_eq!(n.to_original(n.normalized().len(), n.normalized().len()).unwrap().start(), text.len());
    // Not on a char boundary of the normalised text.
    assert_eq!(n.to_original(1, 2), None);
    assert_eq!(n.to_original(4, 2), None);
}

#[test]
fn identity_alignment() {
    let text = "بلا تغيير";
    let n = NormalizedText::identity(text);
    assert_eq!(n.to_original(0, 6).unwrap().slice(text), Some("بلا"));
}

#[test]
fn idempotent_on_tricky_inputs() {
    for s in ["ي\u{0654}\u{0654}", "ﹰﹱ", "ﷺ ﷻ", "İ", "و\u{0640}\u{0654}", "\u{0654}ا", "ﻵ"] {
        for p in [Profile::Search, Profile::Display] {
            let once = normalize(s, p);
            assert_eq!(normalize(&once, p), once, "{s:?} {p:?}");
        }
    }
}
