//! Library tests: entity facets and filters, snippets on char boundaries, on-disk reopen.

use khabar::{Analysis, Analyzer, Document, EntityRecord};
use khabar_index::{SearchIndex, SearchRequest};

fn entity(text: &str, body: &str, kind: &str, canonical: &str) -> EntityRecord {
    let start = body.find(text).unwrap();
    EntityRecord { text: text.into(), start, end: start + text.len(), kind: kind.into(), canonical: canonical.into(), score: 0.9 }
}

fn add(idx: &SearchIndex, w: &tantivy::IndexWriter, id: &str, body: &str, entities: &[(&str, &str, &str)]) {
    let doc = Document { id: Some(id.into()), body: body.into(), ..Document::default() };
    let mut a: Analysis = Analyzer::default().analyze_document(&doc);
    a.entities = entities.iter().map(|(t, k, c)| entity(t, body, k, c)).collect();
    a.check_offsets(body).unwrap();
    idx.upsert(w, &doc, &a, None);
}

/// An in-memory index holding one document, id "1", with `body` and no entities.
fn one_body(body: &str) -> SearchIndex {
    let idx = SearchIndex::create_in_ram().unwrap();
    let mut w = idx.writer(1, 15_000_000).unwrap();
    add(&idx, &w, "1", body, &[]);
    w.commit().unwrap();
    idx.reload().unwrap();
    idx
}

#[test]
fn entity_facets_count_and_filter() {
    let idx = SearchIndex::create_in_ram().unwrap();
    let mut w = idx.writer(1, 15_000_000).unwrap();
    add(&idx, &w, "1", "قال بوتين إن روسيا مستعدة للمفاوضات.", &[("بوتين", "PER", "بوتين"), ("روسيا", "LOC", "روسيا")]);
    add(&idx, &w, "2", "رسالة لبوتين من أوباما حول المفاوضات.", &[("بوتين", "PER", "بوتين"), ("أوباما", "PER", "أوباما")]);
    add(&idx, &w, "3", "المفاوضات في جنيف متعثرة.", &[("جنيف", "LOC", "جنيف")]);
    w.commit().unwrap();
    idx.reload().unwrap();

    let r = idx.search(&SearchRequest::new("مفاوضات")).unwrap();
    assert_eq!(r.total, 3);
    let per = &r.facets["PER"];
    assert_eq!((per[0].name.as_str(), per[0].count), ("بوتين", 2));
    assert_eq!((per[1].name.as_str(), per[1].count), ("أوباما", 1));
    assert_eq!(r.facets["LOC"].len(), 2);
    assert!(!r.facets.contains_key("ORG"));
    assert_eq!(serde_json::to_value(&r.facets).unwrap()["PER"][0], serde_json::json!({"name": "بوتين", "count": 2}));

    let mut req = SearchRequest::new("مفاوضات");
    req.entities.push(("PER".into(), "بوتين".into()));
    let r = idx.search(&req).unwrap();
    let mut ids: Vec<_> = r.hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["1", "2"]);
    req.entities.push(("LOC".into(), "روسيا".into()));
    assert_eq!(idx.search(&req).unwrap().total, 1);
}

#[test]
fn highlights_slice_the_original_on_char_boundaries() {
    // Diacritics, tatweel and a lam-alef ligature inside the matched words.
    let body = "وَصَلَ الرَّئيسُ بوتيـــنُ إلى بيونغ يانغ، والمُفاوَضاتُ مستمرة. ﻻ جديد بشأن المفاوضات.";
    let idx = one_body(body);
    for q in ["بوتين", "مفاوضات", "لا", "\"والمفاوضات\""] {
        let r = idx.search(&SearchRequest::new(q)).unwrap();
        assert_eq!(r.total, 1, "{q}");
        let s = &r.hits[0].snippet;
        assert!(s.contains("<mark>"), "{q}: {s}");
        for part in s.split("<mark>").skip(1) {
            let marked = part.split("</mark>").next().unwrap();
            assert!(body.contains(marked), "{q}: {marked:?} is not a slice of the original");
        }
    }
    let r = idx.search(&SearchRequest::new("مفاوضات")).unwrap();
    assert!(r.hits[0].snippet.contains("<mark>والمُفاوَضاتُ</mark>"), "{}", r.hits[0].snippet);
    assert!(r.hits[0].snippet.contains("<mark>المفاوضات</mark>"), "{}", r.hits[0].snippet);
    let r = idx.search(&SearchRequest::new("بوتين")).unwrap();
    assert!(r.hits[0].snippet.contains("<mark>بوتيـــنُ</mark>"), "{}", r.hits[0].snippet);
}

/// A quoted form matches only that form (docs/search.md); its snippet marks only that form too.
#[test]
fn quoted_forms_mark_only_themselves() {
    let idx = one_body("بدأت المفاوضات أمس، والمفاوضات مستمرة في جنيف.");
    let r = idx.search(&SearchRequest::new("\"والمفاوضات\"")).unwrap();
    assert_eq!(r.total, 1);
    // Before: "بدأت <mark>المفاوضات</mark> أمس، <mark>والمفاوضات</mark> ..." (a form the query excludes marked).
    assert_eq!(r.hits[0].snippet, "بدأت المفاوضات أمس، <mark>والمفاوضات</mark> مستمرة في جنيف.");
    // Unquoted, every form of the word is marked; a quoted and an unquoted word each keep their own rule.
    let r = idx.search(&SearchRequest::new("مفاوضات")).unwrap();
    assert_eq!(r.hits[0].snippet, "بدأت <mark>المفاوضات</mark> أمس، <mark>والمفاوضات</mark> مستمرة في جنيف.");
    let r = idx.search(&SearchRequest::new("\"والمفاوضات\" جنيف")).unwrap();
    assert_eq!(r.hits[0].snippet, "بدأت المفاوضات أمس، <mark>والمفاوضات</mark> مستمرة في <mark>جنيف</mark>.");
}

#[test]
fn reopens_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    {
        let idx = SearchIndex::open_or_create(dir.path()).unwrap();
        let mut w = idx.writer(1, 15_000_000).unwrap();
        add(&idx, &w, "x", "انعقدت القمة العربية في الرياض.", &[]);
        w.commit().unwrap();
    }
    let idx = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(idx.num_docs(), 1);
    assert!(idx.contains_id("x").unwrap());
    assert_eq!(idx.search(&SearchRequest::new("قمة")).unwrap().total, 1);
    assert!(SearchIndex::open(&dir.path().join("missing")).err().unwrap().is_input());
}

#[test]
fn huge_limits_and_offsets_neither_panic_nor_allocate_them() {
    // `khabar search --limit 18446744073709551615` (and Python's Index.search(limit=2**64-1))
    // panicked with "capacity overflow"; with --collapse a limit of 10^17 aborted the process
    // trying to allocate 6.4 EB. A page cannot hold more hits than the index has documents.
    let idx = one_body("استؤنفت المفاوضات في جنيف.");
    for (limit, offset, collapse) in [
        (usize::MAX, 0, false),
        (0, usize::MAX, false),
        (usize::MAX, usize::MAX, false),
        (100_000_000_000_000_000, 0, true),
        (usize::MAX, 0, true),
    ] {
        let mut req = SearchRequest::new("مفاوضات");
        (req.limit, req.offset, req.collapse) = (limit, offset, collapse);
        let r = idx.search(&req).unwrap();
        assert_eq!(r.total, 1, "limit {limit} offset {offset}");
        assert_eq!(r.hits.len(), usize::from(offset == 0), "limit {limit} offset {offset}");
    }
}

#[test]
fn entities_are_found_from_the_spellings_the_docs_promise() {
    // `khabar timeline PER:بوتين` (the README's example) found nothing in an index whose
    // documents name him فلاديمير بوتين: timelines and entity filters took only the exact
    // canonical name, though docs/entities.md promises بوتين → فلاديمير بوتين and one entity
    // for spellings that share a key (بيونغيانغ = بيونغ يانغ, امريكا = أمريكا).
    use khabar_index::{timeline, EntityFilter};
    let idx = SearchIndex::create_in_ram().unwrap();
    let mut w = idx.writer(1, 15_000_000).unwrap();
    let body1 = "وصل فلاديمير بوتين إلى بيونغ يانغ للقاء كيم جونغ أون قبل زيارة أمريكا.";
    add(
        &idx,
        &w,
        "1",
        body1,
        &[
            ("فلاديمير بوتين", "PER", "فلاديمير بوتين"),
            ("بيونغ يانغ", "LOC", "بيونغ يانغ"),
            ("كيم جونغ أون", "PER", "كيم جونغ أون"),
            ("أمريكا", "LOC", "أمريكا"),
        ],
    );
    let body2 = "التقى سامر قطوني ورامي قطوني في بيونغ يانغ.";
    add(
        &idx,
        &w,
        "2",
        body2,
        &[("سامر قطوني", "PER", "سامر قطوني"), ("رامي قطوني", "PER", "رامي قطوني"), ("بيونغ يانغ", "LOC", "بيونغ يانغ")],
    );
    w.commit().unwrap();
    idx.reload().unwrap();
    let of = |kind: Option<&str>| EntityFilter { kind: kind.map(str::to_owned), ..Default::default() };
    let found = |kind: Option<&str>, name: &str| {
        let t = timeline(&idx, name, &of(kind)).unwrap();
        (!t.types.is_empty()).then_some((t.name, t.documents))
    };
    let named = |name: &str, docs: u64| Some((name.to_owned(), docs));
    assert_eq!(found(Some("PER"), "فلاديمير بوتين"), named("فلاديمير بوتين", 1));
    assert_eq!(found(Some("PER"), "بوتين"), named("فلاديمير بوتين", 1));
    assert_eq!(found(None, "بوتين"), named("فلاديمير بوتين", 1));
    assert_eq!(found(Some("PER"), "فلاديمير  بوتين"), named("فلاديمير بوتين", 1));
    assert_eq!(found(Some("PER"), "كيم"), named("كيم جونغ أون", 1));
    assert_eq!(found(Some("PER"), "كيم جونغ اون"), named("كيم جونغ أون", 1));
    assert_eq!(found(Some("LOC"), "بيونغيانغ"), named("بيونغ يانغ", 2));
    assert_eq!(found(None, "بيونغ-يانغ"), named("بيونغ يانغ", 2));
    assert_eq!(found(Some("LOC"), "امريكا"), named("أمريكا", 1));
    // Two full names end with قطوني: which one is meant is not known.
    assert_eq!(found(Some("PER"), "قطوني"), None);
    // The type still matters, and an unknown name stays unknown.
    assert_eq!(found(Some("LOC"), "بوتين"), None);
    assert_eq!(found(None, "لا أحد"), None);

    let mut req = SearchRequest::new("بيونغ");
    req.entities.push(("PER".into(), "بوتين".into()));
    let r = idx.search(&req).unwrap();
    assert_eq!(r.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["1"]);
}

#[test]
fn documents_without_text_or_with_a_blank_id_are_refused() {
    use khabar_index::{check_document, DocumentError};
    let doc = |id: Option<&str>, body: &str| Document { id: id.map(str::to_owned), body: body.to_owned(), ..Document::default() };
    assert_eq!(check_document(&doc(Some("1"), "نص")), Ok(()));
    assert_eq!(check_document(&doc(None, "نص")), Ok(()));
    for body in ["", " ", "\n\t\u{A0}\u{2003}"] {
        assert_eq!(check_document(&doc(Some("1"), body)), Err(DocumentError::EmptyBody), "{body:?}");
    }
    for id in ["", "  ", "\t"] {
        assert_eq!(check_document(&doc(Some(id), "نص")), Err(DocumentError::BlankId), "{id:?}");
    }
    assert!(DocumentError::EmptyBody.to_string().starts_with("empty \"body\""));
    assert!(DocumentError::BlankId.to_string().starts_with("blank \"id\""));
    // Ids the index cannot keep and dates it cannot read were indexed by the CLI and Python,
    // the document then unreachable by id or out of every date filter (the API refused them).
    let long = "x".repeat(khabar_index::MAX_ID_BYTES + 1);
    assert_eq!(check_document(&doc(Some(&long), "نص")), Err(DocumentError::LongId(long.len())));
    assert_eq!(check_document(&doc(Some(&long[1..]), "نص")), Ok(()));
    let dated = |p: &str| Document { published: Some(p.to_owned()), ..doc(Some("1"), "نص") };
    for p in ["yesterday", "2015-02-30", "01/08/2015"] {
        assert_eq!(check_document(&dated(p)), Err(DocumentError::BadDate(p.to_owned())), "{p:?}");
    }
    for p in ["", " ", "2015-08-01", "2015-08-01 12:34:00", "2015-08-01T12:34:00+03:00"] {
        assert_eq!(check_document(&dated(p)), Ok(()), "{p:?}");
    }
}

/// The snippet is a window of up to SNIPPET_CHARS characters around the best matches, in whole
/// words (docs/search.md). tantivy's fragments counted bytes (half the characters for Arabic),
/// cut the body into fixed windows from its start (a match near the end of a long body got only
/// the words after the last boundary: "ذكر <mark>لبوتين</mark>") and dropped text after the
/// body's last token.
#[test]
fn snippets_are_windows_of_whole_words_around_the_matches() {
    let plain = |s: &str| s.replace("<mark>", "").replace("</mark>", "");
    let words = "قال الرئيس في كلمة طويلة عن الاقتصاد والسياسة والمجتمع والثقافة والرياضة والفن والعلوم والتعليم والصحة والبيئة والطاقة والزراعة والصناعة والتجارة والنقل والاتصالات والإعلام والسياحة والأمن والدفاع والخارجية والداخلية والعدل والمالية والتخطيط";
    // The match is the body's last word: the window is the 240 characters before it.
    let body = format!("{words} {words} ثم ذكر لبوتين");
    let r = one_body(&body).search(&SearchRequest::new("بوتين")).unwrap();
    let s = &r.hits[0].snippet;
    assert!(s.ends_with("ثم ذكر <mark>لبوتين</mark>"), "{s}");
    let n = plain(s).chars().count();
    assert!((200..=khabar_index::SNIPPET_CHARS).contains(&n), "{n} characters: {s}");
    assert!(body.contains(&plain(s)) && body.split(' ').any(|w| plain(s).starts_with(&format!("{w} "))), "whole words: {s}");
    // In the middle: context on both sides, each side whole words.
    let body = format!("{words} بوتين {words}");
    let s = one_body(&body).search(&SearchRequest::new("بوتين")).unwrap().hits.remove(0).snippet;
    let (before, after) = plain(&s).split_once("بوتين").map(|(b, a)| (b.chars().count(), a.chars().count())).unwrap();
    assert!(before > 80 && after > 80, "{before} / {after}: {s}");
    assert!(body.contains(&plain(&s)), "{s}");
    // The window holding most matches wins; a short body is shown whole, emoji and all.
    let body = format!("بوتين {words} {words} التقى بوتين بوتين في موسكو");
    let s = one_body(&body).search(&SearchRequest::new("بوتين")).unwrap().hits.remove(0).snippet;
    assert!(s.ends_with("التقى <mark>بوتين</mark> <mark>بوتين</mark> في موسكو"), "{s}");
    let s = one_body("🇸🇦😀 بوتين 😀🇸🇦").search(&SearchRequest::new("بوتين")).unwrap().hits.remove(0).snippet;
    assert_eq!(s, "🇸🇦😀 <mark>بوتين</mark> 😀🇸🇦");
}

/// tantivy keeps dates as i64 nanoseconds (years 1677 to 2262). Until session 21 a `published`
/// outside them wrapped around (2300-01-01 stored as 1715, 1500-01-01 as 2084) and a filter bound
/// outside them did too (`--to 9999-12-31` found nothing); debug builds panicked on both.
#[test]
fn dates_beyond_the_years_the_index_stores_neither_wrap_nor_panic() {
    use khabar_index::{check_document, date_range, DocumentError, FIRST_INDEXED_SECOND, LAST_INDEXED_SECOND};
    let dated = |id: &str, p: &str| Document {
        id: Some(id.into()),
        body: "خبر عن الاقتصاد".into(),
        published: Some(p.into()),
        ..Document::default()
    };
    for p in ["2300-01-01", "9999-12-31T23:59:59Z", "1500-01-01", "0001-01-01", "2262-04-12"] {
        assert_eq!(check_document(&dated("1", p)), Err(DocumentError::DateOutOfRange(p.to_owned())), "{p}");
    }
    assert!(DocumentError::DateOutOfRange("2300-01-01".into()).to_string().contains("1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z"));
    for p in ["1677-09-22", "2262-04-11", "2262-04-11T23:47:16Z", "1677-09-21T00:12:44Z"] {
        assert_eq!(check_document(&dated("1", p)), Ok(()), "{p}");
    }

    let idx = SearchIndex::create_in_ram().unwrap();
    let mut w = idx.writer(1, 15_000_000).unwrap();
    let analyzer = Analyzer::default();
    for (id, p) in [("old", "1677-09-21T00:12:44Z"), ("now", "2015-08-01"), ("last", "2262-04-11T23:47:16Z"), ("far", "2300-01-01")] {
        // "far" comes unchecked (as a library caller may add it): stored without a date, not as 1715.
        let d = dated(id, p);
        idx.upsert(&w, &d, &analyzer.analyze_document(&d), None);
    }
    w.commit().unwrap();
    idx.reload().unwrap();
    let ids = |from: Option<&str>, to: Option<&str>| {
        let mut req = SearchRequest::new("الاقتصاد");
        (req.from, req.to) = date_range(from, to).unwrap();
        let mut ids: Vec<String> = idx.search(&req).unwrap().hits.into_iter().map(|h| h.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(None, None), ["far", "last", "now", "old"]);
    assert_eq!(ids(None, Some("9999-12-31")), ["last", "now", "old"]);
    assert_eq!(ids(Some("0001-01-01"), None), ["last", "now", "old"]);
    assert_eq!(ids(Some("0001-01-01"), Some("9999-12-31")), ["last", "now", "old"]);
    assert_eq!(ids(Some("2000-01-01"), Some("9999-12-31")), ["last", "now"]);
    assert_eq!(ids(Some("2263-01-01"), Some("9999-12-31")), Vec::<String>::new());
    assert_eq!(ids(Some("0001-01-01"), Some("1600-01-01")), Vec::<String>::new());
    assert_eq!(ids(Some("2262-04-11T23:47:16Z"), None), ["last"]);
    let far = idx.search(&SearchRequest::new("الاقتصاد")).unwrap().hits.into_iter().find(|h| h.id == "far").unwrap();
    assert_eq!(far.published, None);
    let stories = khabar_index::stories::list_stories(&idx, Some(FIRST_INDEXED_SECOND - 1), Some(LAST_INDEXED_SECOND + 86_400)).unwrap();
    assert_eq!(stories.iter().map(|s| s.count).sum::<usize>(), 3);
}

/// An index path that names a file is refused with a message that says so (it was "File exists
/// (os error 17)" from open_or_create, and open said to build an index there).
#[test]
fn an_index_path_that_is_a_file_is_refused_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("news.jsonl");
    std::fs::write(&file, "{}\n").unwrap();
    for e in [SearchIndex::open_or_create(&file).err().unwrap(), SearchIndex::open(&file).err().unwrap()] {
        assert!(matches!(e, khabar_index::Error::NotAFolder(_)), "{e:?}");
        assert!(e.is_input());
        assert_eq!(
            e.to_string(),
            format!("{} is a file, not a folder: an index is a folder (give a new folder or an index's)", file.display())
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{}\n", "the file is left as it was");
}

#[test]
fn double_bars_and_ampersands_are_or_and_and() {
    let idx = SearchIndex::create_in_ram().unwrap();
    let mut w = idx.writer(1, 15_000_000).unwrap();
    add(&idx, &w, "1", "قال بوتين إن روسيا مستعدة.", &[]);
    add(&idx, &w, "2", "المفاوضات في جنيف متعثرة.", &[]);
    add(&idx, &w, "3", "بوتين في جنيف.", &[]);
    w.commit().unwrap();
    idx.reload().unwrap();
    let ids = |q: &str| {
        let mut v: Vec<String> = idx.search(&SearchRequest::new(q)).unwrap().hits.into_iter().map(|h| h.id).collect();
        v.sort();
        v
    };
    assert_eq!(ids("بوتين || جنيف"), ids("بوتين OR جنيف"));
    assert_eq!(ids("بوتين||جنيف"), ["1", "2", "3"]);
    assert_eq!(ids("بوتين && جنيف"), ["3"]);
    assert_eq!(ids("(روسيا || المفاوضات) && -جنيف"), ["1"]);
}
