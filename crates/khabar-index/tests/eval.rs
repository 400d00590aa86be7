//! `khabar eval search` on UD Arabic PADT v1 (skips when ../shared/data is absent, unless CI=true).

use std::path::Path;

#[test]
fn khabar_beats_light10_on_padt() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ud-padt-v1");
    if !data.join("ar-ud-test.conllu").exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{} is missing under CI=true", data.display());
        eprintln!("skipped: {} is absent", data.display());
        return;
    }
    let report = khabar_index::eval::run(&data, 300).unwrap();
    for r in [&report, report.test_only.as_deref().unwrap()] {
        let by = |prefix: &str| r.engines.iter().find(|e| e.engine.starts_with(prefix)).unwrap();
        let (khabar, light10, default) = (by("khabar (exact"), by("light10"), by("tantivy default"));
        assert!(r.queries >= 250 && r.documents >= 700, "{r}");
        assert!(khabar.f1 > light10.f1 + 5.0, "{r}");
        assert!(khabar.recall > light10.recall, "{r}");
        assert!(khabar.precision >= light10.precision, "{r}");
        assert!(light10.recall > default.recall, "{r}");
        assert_eq!(r.conflations.len(), 10);
        assert_eq!(r.misses.len(), 10);
    }
}
