//! The story engine on small articles written for these tests.

use khabar::{Analyzer, Document};
use khabar_stories::{Features, Options, StoryEngine};
use proptest::prelude::*;

const DAY: i64 = 86_400;
const T0: i64 = 1_438_387_200; // 2015-08-01

const RAIN: &str = "هطلت أمطار غزيرة على محافظة أبها ومرتفعات عسير مساء اليوم، وسالت الأودية في السودة والنماص، \
وحذر الدفاع المدني في منطقة عسير المواطنين والمقيمين من الاقتراب من مجاري السيول، وأكد المتحدث الإعلامي \
أن فرق الإنقاذ باشرت عدداً من البلاغات دون تسجيل إصابات، وأن الأرصاد تتوقع استمرار الأمطار الرعدية حتى الغد.";
/// RAIN with light edits: a dateline, spelling, one word changed, a sentence added.
const RAIN_COPY: &str = "أبها - واس: هطلت امطار غزيرة على محافظة أبها ومرتفعات عسير مساء اليوم، وسالت الأودية في السودة والنماص، \
وحذر الدفاع المدني بمنطقة عسير المواطنين والمقيمين من الاقتراب من مجاري السيول، وأكد المتحدث الإعلامي \
أن فرق الإنقاذ باشرت عدداً من البلاغات دون تسجيل إصابات، وأن الأرصاد تتوقع استمرار الأمطار الرعدية حتى الغد. \
وشهدت المتنزهات إقبالاً من الزوار.";
/// The same event, written anew.
const RAIN_OTHER: &str = "شهدت منطقة عسير أمطاراً رعدية غزيرة أدت إلى جريان السيول في أودية السودة والنماص وأبها، \
ودعا الدفاع المدني في عسير السكان إلى الابتعاد عن مجاري الأودية، فيما باشرت فرق الإنقاذ بلاغات عدة من دون إصابات.";
const FOOTBALL: &str = "تعاقد نادي الهلال مع لاعب الوسط البرازيلي لمدة ثلاثة مواسم بعد اجتيازه الفحص الطبي في معسكر الفريق \
بالنمسا، وقال رئيس النادي إن الصفقة تدعم الفريق قبل مباراة كأس السوبر أمام النصر في لندن.";
const ECONOMY: &str = "ارتفع مؤشر سوق الأسهم السعودية في ختام تعاملات اليوم بدعم من قطاع المصارف والبتروكيماويات، \
وبلغت قيمة التداولات ستة مليارات ريال، فيما تراجعت أسعار النفط في الأسواق العالمية.";

fn features(analyzer: &Analyzer, options: &Options, id: &str, title: &str, body: &str, time: i64) -> Features {
    let doc = Document { id: Some(id.into()), title: Some(title.into()), body: body.into(), ..Document::default() };
    let title_analysis = analyzer.analyze(title);
    Features::extract(&doc, &analyzer.analyze_document(&doc), Some(&title_analysis), options).with_time(Some(time))
}

#[test]
fn exact_and_near_duplicates_and_stories() {
    let analyzer = Analyzer::default();
    let o = Options::default();
    let mut e = StoryEngine::new(o.clone());
    let a = e.assign(features(&analyzer, &o, "rain", "أمطار غزيرة على عسير", RAIN, T0));
    assert!(a.new_story && a.duplicate_of.is_none());
    // The same body with other spacing and diacritics: an exact duplicate.
    let spaced = RAIN.replace("، ", " ،  ").replace("غزيرة", "غَزِيرَة");
    let b = e.assign(features(&analyzer, &o, "rain-exact", "أمطار على عسير", &spaced, T0 + 60));
    assert_eq!((b.dup_group.as_str(), b.exact_duplicate, b.story.as_str()), ("rain", true, "rain"));
    let c = e.assign(features(&analyzer, &o, "rain-copy", "سيول في عسير", RAIN_COPY, T0 + 120));
    assert_eq!((c.dup_group.as_str(), c.exact_duplicate, c.story.as_str()), ("rain", false, "rain"), "{c:?}");
    let d = e.assign(features(&analyzer, &o, "rain-other", "سيول الأمطار في عسير", RAIN_OTHER, T0 + 3600));
    assert_eq!(d.dup_group, "rain-other", "a new write-up is not a copy: {d:?}");
    assert_eq!(d.story, "rain", "same event, joins the story: {d:?}");
    let f = e.assign(features(&analyzer, &o, "football", "الهلال يتعاقد مع برازيلي", FOOTBALL, T0 + 7200));
    assert!(f.new_story && f.dup_group == "football", "{f:?}");
    let g = e.assign(features(&analyzer, &o, "economy", "الأسهم ترتفع", ECONOMY, T0 + 7300));
    assert!(g.new_story, "{g:?}");
    // An id seen before keeps its assignment.
    assert_eq!(e.assign(features(&analyzer, &o, "rain-copy", "", ECONOMY, T0 + 8000)).story, "rain");
}

#[test]
fn containment_finds_cut_copies_but_not_a_piece_of_a_roundup() {
    let analyzer = Analyzer::default();
    let o = Options::default();
    let mut e = StoryEngine::new(o.clone());
    // A long article: the rain report, then football and the markets.
    let long = format!("{RAIN_COPY} {FOOTBALL} {ECONOMY} {RAIN_OTHER}");
    e.assign(features(&analyzer, &o, "long", "أمطار وأخبار", &long, T0));
    // Its first part re-published alone (cut short): contained, a copy.
    let cut = format!("{RAIN_COPY} {FOOTBALL}");
    let a = e.assign(features(&analyzer, &o, "cut", "أمطار عسير", &cut, T0 + 60));
    assert_eq!(a.dup_group, "long", "{a:?}");
    // One short item of it alone: contained too, but too short (and too small a share of it) to call a copy.
    let b = e.assign(features(&analyzer, &o, "markets", "الأسهم", ECONOMY, T0 + 120));
    assert_eq!(b.dup_group, "markets", "{b:?}");
}

#[test]
fn the_window_bounds_stories_and_memory() {
    let analyzer = Analyzer::default();
    let o = Options { window: 3 * DAY, ..Options::default() };
    let mut e = StoryEngine::new(o.clone());
    e.assign(features(&analyzer, &o, "rain", "أمطار غزيرة على عسير", RAIN, T0));
    // Four days later the same text is neither a duplicate nor in the old story: the window has passed.
    let late = e.assign(features(&analyzer, &o, "rain-late", "أمطار غزيرة على عسير", RAIN, T0 + 4 * DAY));
    assert!(late.new_story && late.duplicate_of.is_none(), "{late:?}");
    // A long stream: the state holds only the window.
    let base = [features(&analyzer, &o, "f", "الهلال", FOOTBALL, 0), features(&analyzer, &o, "x", "الأسهم", ECONOMY, 0)];
    let mut max_articles = 0;
    for i in 0..3000i64 {
        let mut f = base[(i % 2) as usize].clone();
        f.id = format!("s{i}");
        f.time = Some(T0 + 5 * DAY + i * 600); // one every 10 minutes: 432 in 3 days
        e.assign(f);
        max_articles = max_articles.max(e.stats().articles);
    }
    assert!(max_articles <= 3 * 144 + 2, "window of 3 days holds at most 434 articles, saw {max_articles}");
    assert!(e.stats().stories <= 3 * 144 + 2);
    assert_eq!(e.stats().assigned, 3002);
}

#[test]
fn state_round_trips_and_assignment_continues() {
    let analyzer = Analyzer::default();
    let o = Options::default();
    let mut e = StoryEngine::new(o.clone());
    e.assign(features(&analyzer, &o, "rain", "أمطار غزيرة على عسير", RAIN, T0));
    e.assign(features(&analyzer, &o, "football", "الهلال", FOOTBALL, T0 + 10));
    let bytes = e.to_bytes();
    let mut back = StoryEngine::from_bytes(&bytes).unwrap();
    assert_eq!(back.stats(), e.stats());
    assert_eq!(back.options(), e.options());
    assert_eq!(back.to_bytes(), bytes, "writing what was read gives the same bytes");
    let c = back.assign(features(&analyzer, &o, "rain-copy", "سيول في عسير", RAIN_COPY, T0 + 120));
    assert_eq!((c.dup_group.as_str(), c.story.as_str()), ("rain", "rain"));
    // The new article takes a slot of its own: the articles read back are all still there
    // (sessions s10–s14 numbered it from 0 again, over the first article read).
    assert_eq!(back.stats().articles, 3);
    for id in ["rain", "football", "rain-copy"] {
        assert_eq!(back.assignment_of(id).map(|a| a.id), Some(id.to_owned()));
    }
    // Damaged states are refused.
    assert!(StoryEngine::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    let mut flipped = bytes.clone();
    flipped[40] ^= 1;
    assert!(StoryEngine::from_bytes(&flipped).is_err());
    assert!(StoryEngine::from_bytes(b"").is_err());
}

proptest! {
    #[test]
    fn any_bytes_are_refused_or_read_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = StoryEngine::from_bytes(&bytes);
    }

    #[test]
    fn any_features_are_assigned(ids in proptest::collection::vec("[a-c]{1,2}", 1..20), times in proptest::collection::vec(proptest::option::of(-1_000_000i64..1_000_000), 20), terms in proptest::collection::vec(0u64..50, 0..30)) {
        // The sentence rule on, so that its path runs too.
        let mut e = StoryEngine::new(Options { dup_align: 0.7, ..Options::default() });
        for (i, id) in ids.iter().enumerate() {
            let f = Features {
                id: id.clone(),
                time: times[i],
                exact: terms.first().copied(),
                signature: terms.iter().map(|&t| t as u32).chain(std::iter::repeat(7)).take(64).collect(),
                shingle_count: terms.len() as u32 * 7,
                shingles: { let mut s: Vec<u32> = terms.iter().map(|&t| t as u32).collect(); s.sort_unstable(); s.dedup(); s },
                sentences: terms.chunks(4).map(|c| { let mut s: Vec<u32> = c.iter().map(|&t| t as u32).collect(); s.sort_unstable(); s.dedup(); s }).collect(),
                terms: terms.iter().map(|&t| (t, 1)).collect(),
                title_terms: terms.clone(),
                entities: terms.iter().take(3).copied().collect(),
                keyphrases: Vec::new(),
                places: terms.iter().skip(i % 3).take(1).copied().collect(),
            };
            let a = e.assign(f);
            prop_assert_eq!(&a.id, id);
        }
        let back = StoryEngine::from_bytes(&e.to_bytes()).unwrap();
        prop_assert_eq!(back.stats(), e.stats());
    }
}

/// Features made by hand: body lemmas (hashed ids) only.
fn bare(id: &str, terms: &[u64], time: i64) -> Features {
    Features { id: id.into(), time: Some(time), terms: terms.iter().map(|&t| (t, 1)).collect(), ..Features::default() }
}

#[test]
fn an_article_linking_two_stories_merges_them() {
    let mut e = StoryEngine::new(Options::default());
    // Unrelated padding so that IDF weights are not degenerate.
    for i in 0..20u64 {
        e.assign(bare(&format!("pad{i}"), &[1000 + 3 * i, 1001 + 3 * i, 1002 + 3 * i], T0));
    }
    let a = e.assign(bare("a", &[1, 2, 3, 4, 9], T0 + 60));
    let b = e.assign(bare("b", &[5, 6, 7, 8, 9], T0 + 120));
    assert!(a.new_story && b.new_story, "{a:?} {b:?}");
    // Half of each: joins one story and is as close to the other.
    let c = e.assign(bare("c", &[1, 2, 3, 4, 5, 6, 7, 8], T0 + 180));
    assert_eq!(c.story, "a", "{c:?}");
    assert_eq!(c.merged, ["b"], "{c:?}");
    let mut aliases = khabar_stories::Aliases::default();
    for m in &c.merged {
        aliases.add(m, &c.story);
    }
    assert_eq!(aliases.resolve("b"), "a");
    assert_eq!(aliases.members("a"), ["a", "b"]);
    // Later articles of the merged story's vocabulary join the surviving story.
    let d = e.assign(bare("d", &[5, 6, 7, 8], T0 + 240));
    assert_eq!(d.story, "a", "{d:?}");
    // Without merges the two stay apart.
    let mut e = StoryEngine::new(Options { merge_average: 0.0, ..Options::default() });
    for i in 0..20u64 {
        e.assign(bare(&format!("pad{i}"), &[1000 + 3 * i, 1001 + 3 * i, 1002 + 3 * i], T0));
    }
    e.assign(bare("a", &[1, 2, 3, 4, 9], T0 + 60));
    e.assign(bare("b", &[5, 6, 7, 8, 9], T0 + 120));
    let c = e.assign(bare("c", &[1, 2, 3, 4, 5, 6, 7, 8], T0 + 180));
    assert!(c.merged.is_empty(), "{c:?}");
}

#[test]
fn options_saved_with_the_experiments_removed_in_session_s14_still_load() {
    // A state written before session s14 stores the options of the experiments removed
    // then (docs/stories.md, "Session s14 (pruning)"); they are read and ignored, even
    // when they were set.
    let mut json = serde_json::to_value(Options::default()).unwrap();
    let map = json.as_object_mut().unwrap();
    for (k, v) in [
        ("lead_words", serde_json::json!(60)),
        ("lead_boost", serde_json::json!(2)),
        ("link_weight", serde_json::json!(0.7)),
        ("centroid_terms", serde_json::json!(200)),
        ("weight_rare", serde_json::json!(0.3)),
        ("rare_df", serde_json::json!(3)),
        ("rare_gated", serde_json::json!(true)),
        ("weight_cross", serde_json::json!(0.1)),
        ("dup_merge_stories", serde_json::json!(true)),
        ("weight_specific", serde_json::json!(0.1)),
        ("generic_factor", serde_json::json!(0.5)),
        ("specific_df", serde_json::json!(5)),
        ("specific_min", serde_json::json!(1)),
        ("specific_gate", serde_json::json!(0.2)),
        ("pair_model", serde_json::json!([0.5, 1.0])),
        ("merge_cap", serde_json::json!(10)),
        ("join_model", serde_json::json!([0.5])),
        ("merge_top", serde_json::json!(10)),
        ("df_unit", serde_json::json!("story")),
        ("merge_evidence", serde_json::json!(0.1)),
        ("evidence_df", serde_json::json!(5)),
        ("evidence_min", serde_json::json!(2)),
        ("entity_name_words", serde_json::json!(true)),
        ("entity_name_fold", serde_json::json!(true)),
        ("time_weight", serde_json::json!(0.1)),
        ("time_hours", serde_json::json!(6.0)),
        ("event_keys", serde_json::json!(true)),
        ("entity_lead", serde_json::json!(true)),
    ] {
        assert!(map.insert(k.to_owned(), v).is_none(), "{k} is an option again");
    }
    let o: Options = serde_json::from_value(json).unwrap();
    assert_eq!(o, Options::default());
}

#[test]
fn options_saved_before_group_merges_load_with_them_off() {
    let mut json = serde_json::to_value(Options::default()).unwrap();
    let map = json.as_object_mut().unwrap();
    for k in ["dup_merge", "dup_merge_mutual"] {
        assert!(map.remove(k).is_some(), "{k}");
    }
    let o: Options = serde_json::from_value(json).unwrap();
    // A state built before group merges keeps building groups as it did.
    assert!(!o.dup_merge);
    assert_eq!(o, Options { dup_merge: false, ..Options::default() });
}

#[test]
fn sentence_sets_are_extracted_only_for_the_sentence_rules() {
    let analyzer = Analyzer::default();
    let on = Options::default();
    let f = features(&analyzer, &on, "rain", "أمطار غزيرة على عسير", RAIN_COPY, T0);
    // RAIN_COPY has two full stops: at least two sentences of four words or more.
    assert!(f.sentences.len() >= 2, "{:?}", f.sentences.len());
    assert!(f.sentences.iter().all(|s| s.len() >= 4 && s.windows(2).all(|w| w[0] < w[1])));
    let off = features(
        &analyzer,
        &Options { dup_align: 0.0, dup_merge: false, dup_offset: 0.0, ..Options::default() },
        "rain",
        "أمطار غزيرة على عسير",
        RAIN_COPY,
        T0,
    );
    assert!(off.sentences.is_empty());
    assert_eq!((off.shingles, off.terms), (f.shingles, f.terms), "the rule changes nothing else");
}

#[test]
fn a_big_story_is_scored_by_its_best_links_with_the_cap() {
    // Sixteen reports of one event, each sharing five lemmas with the others; only the
    // 5 best candidates are compared. Without a cap a story of n articles scores the
    // sum of at most 5 links over n, so past a dozen articles the next report cannot
    // join it; with `average_cap` 5 it scores the mean of its 5 best links.
    let run = |cap: usize| {
        let mut e = StoryEngine::new(Options { max_candidates: 5, average_cap: cap, merge_average: 0.0, ..Options::default() });
        for i in 0..20u64 {
            e.assign(bare(&format!("pad{i}"), &[1000 + 3 * i, 1001 + 3 * i, 1002 + 3 * i], T0));
        }
        let stories: Vec<String> =
            (0..16u64).map(|i| e.assign(bare(&format!("r{i}"), &[1, 2, 3, 4, 5, 100 + i], T0 + 60 * (i as i64 + 1))).story).collect();
        stories
    };
    let capped = run(5);
    assert!(capped.iter().all(|s| s == "r0"), "{capped:?}");
    let plain = run(0);
    assert!(plain.iter().any(|s| s != "r0"), "{plain:?}");
}

#[test]
fn options_saved_before_the_cap_load_with_it_off() {
    let mut json = serde_json::to_value(Options::default()).unwrap();
    let map = json.as_object_mut().unwrap();
    assert!(map.remove("average_cap").is_some());
    let o: Options = serde_json::from_value(json).unwrap();
    // A state built before the cap keeps scoring stories by the plain average.
    assert_eq!(o, Options { average_cap: 0, ..Options::default() });
}

/// Two articles of one template (the same body lemmas) whose headlines or leads name
/// different places, neither naming the other's: by default (`place_contrast` 0.7) they
/// are two stories; when one also names the other's place, or the rule is off, one story.
/// The places survive a save and load of the state (version 5).
#[test]
fn one_template_in_two_places_is_two_stories() {
    let template: Vec<u64> = (1..=12).collect();
    let with_places = |id: &str, time: i64, places: &[u64], entities: &[u64]| Features {
        places: places.to_vec(),
        entities: entities.to_vec(),
        ..bare(id, &template, time)
    };
    let mut e = StoryEngine::new(Options::default());
    let a = e.assign(with_places("muscat", 0, &[100], &[100]));
    let b = e.assign(with_places("kuwait", 60, &[200], &[200]));
    assert_ne!(a.story, b.story, "different places, no shared name: two stories");
    // The engine survives a save and load with its places: a third report of Kuwait's
    // market joins Kuwait's story, not Muscat's.
    let mut e = StoryEngine::from_bytes(&e.to_bytes()).unwrap();
    let c = e.assign(with_places("kuwait-2", 120, &[200], &[200]));
    assert_eq!(c.story, b.story);
    // The rule is off: one story.
    let mut off = StoryEngine::new(Options { place_contrast: 0.0, ..Options::default() });
    let a = off.assign(with_places("muscat", 0, &[100], &[100]));
    let b = off.assign(with_places("kuwait", 60, &[200], &[200]));
    assert_eq!(a.story, b.story);
    // The second names the first's place in its body: no contrast, one story.
    let mut e = StoryEngine::new(Options::default());
    let a = e.assign(with_places("muscat", 0, &[100], &[100]));
    let b = e.assign(with_places("gulf", 60, &[200], &[100, 200]));
    assert_eq!(a.story, b.story);
}
