//! Duplicates and stories at ingest: fields in the index, state next to it,
//! continuation across runs, crash consistency, collapsed search.

use khabar::{Analysis, Analyzer, Document};
use khabar_index::stories::{self, Options, StoryState};
use khabar_index::{SearchIndex, SearchRequest};

const RAIN: &str = "هطلت أمطار غزيرة على محافظة أبها ومرتفعات عسير مساء اليوم، وسالت الأودية في السودة والنماص، \
وحذر الدفاع المدني في منطقة عسير المواطنين والمقيمين من الاقتراب من مجاري السيول، وأكد المتحدث الإعلامي \
أن فرق الإنقاذ باشرت عدداً من البلاغات دون تسجيل إصابات، وأن الأرصاد تتوقع استمرار الأمطار الرعدية حتى الغد.";
const FOOTBALL: &str = "تعاقد نادي الهلال مع لاعب الوسط البرازيلي لمدة ثلاثة مواسم بعد اجتيازه الفحص الطبي في معسكر الفريق \
بالنمسا، وقال رئيس النادي إن الصفقة تدعم الفريق قبل مباراة كأس السوبر أمام النصر في لندن والأمطار.";

fn docs(analyzer: &Analyzer, items: &[(&str, &str, &str)]) -> Vec<(Document, Analysis, Option<Analysis>)> {
    items
        .iter()
        .map(|(id, body, day)| {
            let d = Document {
                id: Some(id.to_string()),
                title: Some(format!("خبر {id}")),
                body: body.to_string(),
                published: Some(day.to_string()),
                source: Some("test".into()),
                ..Document::default()
            };
            let a = analyzer.analyze_document(&d);
            (d, a, None)
        })
        .collect()
}

#[test]
fn ingest_persists_and_continues() {
    let dir = tempfile::tempdir().unwrap();
    let analyzer = Analyzer::default();
    {
        let idx = SearchIndex::open_or_create(dir.path()).unwrap();
        let mut writer = idx.writer(1, 15_000_000).unwrap();
        let mut state = StoryState::open(&idx, Some(dir.path()), Options::default()).unwrap();
        let a = idx.ingest(&writer, &mut state, &docs(&analyzer, &[("rain", RAIN, "2015-08-01"), ("ball", FOOTBALL, "2015-08-01")]));
        assert_eq!(a[0].story, "rain");
        assert_eq!(a[1].story, "ball");
        state.commit(&mut writer).unwrap();
    }
    assert!(dir.path().join("stories/state-1.bin").exists());
    // A second run continues: the copy finds the article of the first run.
    {
        let idx = SearchIndex::open(dir.path()).unwrap();
        let mut writer = idx.writer(1, 15_000_000).unwrap();
        let mut state = StoryState::open(&idx, Some(dir.path()), Options::default()).unwrap();
        assert_eq!(state.engine().stats().articles, 2);
        let copy = RAIN.replace("مساء اليوم", "مساء أمس");
        let a = idx.ingest(&writer, &mut state, &docs(&analyzer, &[("rain-copy", &copy, "2015-08-02")]));
        assert_eq!((a[0].dup_group.as_str(), a[0].story.as_str()), ("rain", "rain"), "{a:?}");
        state.commit(&mut writer).unwrap();
        idx.reload().unwrap();
        assert_eq!(stories::list_dups(&idx).unwrap(), vec![vec!["rain".to_string(), "rain-copy".to_string()]]);
        let listed = stories::list_stories(&idx, None, None).unwrap();
        assert_eq!(listed[0].id, "rain");
        assert_eq!(listed[0].articles, ["rain", "rain-copy"]);
        assert_eq!(listed[0].first_seen.as_deref(), Some("2015-08-01T00:00:00Z"));
        assert_eq!(listed[0].last_seen.as_deref(), Some("2015-08-02T00:00:00Z"));
        let one = stories::story(&idx, "rain").unwrap().unwrap();
        assert_eq!(one.details.len(), 2);
        assert!(stories::story(&idx, "nope").unwrap().is_none());
        // A pasted id with spaces around it finds the story (CLI, API and Python alike).
        assert_eq!(stories::story(&idx, " rain\n").unwrap().map(|s| s.id), Some("rain".to_string()));
        // Collapsed search: the copy folds into the original.
        let mut req = SearchRequest::new("أمطار");
        req.collapse = true;
        let r = idx.search(&req).unwrap();
        let rain_hits: Vec<_> = r.hits.iter().filter(|h| h.dup_group.as_deref() == Some("rain")).collect();
        assert_eq!(rain_hits.len(), 1);
        assert_eq!(rain_hits[0].similar, 1);
        req.collapse = false;
        assert_eq!(idx.search(&req).unwrap().hits.iter().filter(|h| h.dup_group.as_deref() == Some("rain")).count(), 2);
    }
    assert!(dir.path().join("stories/state-2.bin").exists());
    assert!(!dir.path().join("stories/state-1.bin").exists(), "older states are removed after the commit");
}

#[test]
fn a_crash_between_state_and_commit_leaves_the_last_commit_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let analyzer = Analyzer::default();
    let idx = SearchIndex::open_or_create(dir.path()).unwrap();
    let mut writer = idx.writer(1, 15_000_000).unwrap();
    let mut state = StoryState::open(&idx, Some(dir.path()), Options::default()).unwrap();
    idx.ingest(&writer, &mut state, &docs(&analyzer, &[("rain", RAIN, "2015-08-01")]));
    state.commit(&mut writer).unwrap();
    // The next batch got as far as writing its state file, then the process died.
    idx.ingest(&writer, &mut state, &docs(&analyzer, &[("ball", FOOTBALL, "2015-08-01")]));
    std::fs::write(dir.path().join("stories/state-2.bin"), state.engine().to_bytes()).unwrap();
    drop(writer);
    drop(state);
    drop(idx);
    let idx = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(idx.num_docs(), 1);
    let state = StoryState::open(&idx, Some(dir.path()), Options::default()).unwrap();
    assert_eq!(state.engine().stats().articles, 1, "the state the index names, not the orphan");
    // A damaged named state is an error, not a silent reset.
    std::fs::write(dir.path().join("stories/state-1.bin"), b"KHSTORY\0garbage").unwrap();
    assert!(StoryState::open(&idx, Some(dir.path()), Options::default()).is_err());
}

#[test]
fn an_article_indexed_again_with_another_body_is_compared_by_its_new_text() {
    let analyzer = Analyzer::default();
    let idx = SearchIndex::create_in_ram().unwrap();
    let mut writer = idx.writer(1, 15_000_000).unwrap();
    let mut state = StoryState::open(&idx, None, Options::default()).unwrap();
    idx.ingest(&writer, &mut state, &docs(&analyzer, &[("a", RAIN, "2015-08-01")]));
    // "a" indexed again with another body: it keeps its story and group (docs/stories.md) ...
    let again = idx.ingest(&writer, &mut state, &docs(&analyzer, &[("a", FOOTBALL, "2015-08-01")]));
    assert_eq!((again[0].story.as_str(), again[0].dup_group.as_str()), ("a", "a"));
    assert_eq!(state.engine().stats().articles, 1);
    // ... but later articles are compared with the text the index holds: a copy of the new
    // body copies "a", a copy of the old body copies nothing (no article holds it now).
    let later =
        idx.ingest(&writer, &mut state, &docs(&analyzer, &[("new-copy", FOOTBALL, "2015-08-02"), ("old-copy", RAIN, "2015-08-02")]));
    assert_eq!((later[0].duplicate_of.as_deref(), later[0].exact_duplicate, later[0].dup_group.as_str()), (Some("a"), true, "a"));
    assert_eq!((later[1].duplicate_of.as_deref(), later[1].dup_group.as_str(), later[1].story.as_str()), (None, "old-copy", "old-copy"));
    state.commit(&mut writer).unwrap();
    idx.reload().unwrap();
    assert_eq!(stories::list_dups(&idx).unwrap(), vec![vec!["a".to_string(), "new-copy".to_string()]]);
    // The state round-trips with the new features.
    let reloaded = stories::StoryEngine::from_bytes(&state.engine().to_bytes()).unwrap();
    assert_eq!(reloaded.stats().articles, 3);
}

#[test]
fn an_index_made_again_in_a_folder_with_an_earlier_story_state_starts_a_new_state() {
    let dir = tempfile::tempdir().unwrap();
    let analyzer = Analyzer::default();
    {
        let idx = SearchIndex::open_or_create(dir.path()).unwrap();
        let mut writer = idx.writer(1, 15_000_000).unwrap();
        let mut state = StoryState::open(&idx, Some(dir.path()), Options::default()).unwrap();
        idx.ingest(&writer, &mut state, &docs(&analyzer, &[("rain", RAIN, "2015-08-01")]));
        state.commit(&mut writer).unwrap();
        idx.ingest(&writer, &mut state, &docs(&analyzer, &[("ball", FOOTBALL, "2015-08-01")]));
        state.commit(&mut writer).unwrap();
    }
    let earlier = dir.path().join("stories/state-2.bin");
    assert!(earlier.exists());
    // The index's meta.json deleted (its segments left as garbage), the folder indexed again.
    std::fs::remove_file(dir.path().join("meta.json")).unwrap();
    for attempt in 0..2 {
        let idx = SearchIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(idx.num_docs(), 0);
        let state = StoryState::open(&idx, Some(dir.path()), Options::default()).unwrap();
        // A new index (also after a run that committed nothing): not the earlier index's window.
        assert_eq!(state.engine().stats().articles, 0, "attempt {attempt}");
        assert_eq!(state.stale_files(), std::slice::from_ref(&earlier));
        assert!(state.stale_note().is_some_and(|n| n.contains("earlier index's story state")), "attempt {attempt}");
    }
    let idx = SearchIndex::open(dir.path()).unwrap();
    let mut writer = idx.writer(1, 15_000_000).unwrap();
    let mut state = StoryState::open(&idx, Some(dir.path()), Options::default()).unwrap();
    // A copy of an article of the earlier index copies nothing this index holds.
    let copy = RAIN.replace("مساء اليوم", "مساء أمس");
    let a = idx.ingest(&writer, &mut state, &docs(&analyzer, &[("rain-copy", &copy, "2015-08-02")]));
    assert_eq!((a[0].duplicate_of.as_deref(), a[0].story.as_str()), (None, "rain-copy"), "{a:?}");
    state.commit(&mut writer).unwrap();
    idx.reload().unwrap();
    assert_eq!(stories::list_stories(&idx, None, None).unwrap().iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["rain-copy"]);
    assert!(!earlier.exists(), "the earlier index's state is removed at the first commit");
    drop(writer);
    let state = StoryState::open(&idx, Some(dir.path()), Options::default()).unwrap();
    assert_eq!((state.engine().stats().articles, state.stale_files().len()), (1, 0));
}

/// An index in memory of three articles "a", "b", "c" published on one day with the given
/// bodies, stamped with the given assignments (not the engine's).
fn stamped(bodies: [&str; 3], assignments: [stories::Assignment; 3]) -> SearchIndex {
    let idx = SearchIndex::create_in_ram().unwrap();
    let mut writer = idx.writer(1, 15_000_000).unwrap();
    let items =
        docs(&Analyzer::default(), &[("a", bodies[0], "2015-08-01"), ("b", bodies[1], "2015-08-01"), ("c", bodies[2], "2015-08-01")]);
    for ((d, a, t), asg) in items.iter().zip(assignments) {
        let mut doc = idx.make_document(d, a, t.as_ref());
        idx.stamp(&mut doc, &asg);
        idx.upsert_prepared(&writer, &asg.id, doc);
    }
    writer.commit().unwrap();
    idx.reload().unwrap();
    idx
}

/// The assignment of `id` to `story` and duplicate group `group`, which absorbed the stories
/// `merged` and the groups `merged_groups`.
fn assignment(id: &str, story: &str, group: &str, merged: &[&str], merged_groups: &[&str]) -> stories::Assignment {
    stories::Assignment {
        id: id.into(),
        dup_group: group.into(),
        duplicate_of: None,
        exact_duplicate: false,
        story: story.into(),
        new_story: false,
        score: 0.0,
        merged: merged.iter().map(|s| s.to_string()).collect(),
        merged_groups: merged_groups.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn merged_stories_are_listed_under_the_surviving_story() {
    // "c" arrived in story "a" and story "b" merged into it: "b" stays stored with story "b".
    let idx = stamped(
        [RAIN, FOOTBALL, RAIN],
        [assignment("a", "a", "a", &[], &[]), assignment("b", "b", "b", &[], &[]), assignment("c", "a", "c", &["b"], &[])],
    );
    let listed = stories::list_stories(&idx, None, None).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].id, "a");
    assert_eq!(listed[0].articles, ["a", "b", "c"]);
    let merged = stories::story(&idx, "b").unwrap().unwrap();
    assert_eq!((merged.id.as_str(), merged.count), ("a", 3));
    assert_eq!(stories::story(&idx, "a").unwrap().unwrap().count, 3);
    assert_eq!(stories::assignments(&idx).unwrap()["b"].0, "a");
}

#[test]
fn merged_duplicate_groups_are_listed_under_the_surviving_group() {
    // "c" copies "a" and "b", which were in two groups: group "b" became part of "a".
    let idx = stamped(
        [RAIN, RAIN, RAIN],
        [assignment("a", "a", "a", &[], &[]), assignment("b", "a", "b", &[], &[]), assignment("c", "a", "a", &[], &["b"])],
    );
    assert_eq!(stories::list_dups(&idx).unwrap(), [["a", "b", "c"]]);
    assert_eq!(stories::assignments(&idx).unwrap()["b"].1, "a");
    assert_eq!(stories::list_stories(&idx, None, None).unwrap()[0].dup_groups, 1);
}
