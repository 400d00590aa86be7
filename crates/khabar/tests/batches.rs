//! `Analyzer::analyze_documents` (layer by layer over a batch) gives the same
//! analyses as `analyze_document` on each document, whatever the batch holds.

use khabar::{Analyzer, Document};
use proptest::prelude::*;

const SAMPLE: &str = include_str!("../../../examples/pyongyang-aurus.txt");

fn doc(id: &str, body: &str) -> Document {
    Document { id: Some(id.into()), body: body.into(), ..Document::default() }
}

fn same(docs: &[Document]) {
    let analyzer = Analyzer::default();
    let refs: Vec<&Document> = docs.iter().collect();
    let batch = analyzer.analyze_documents(&refs);
    assert_eq!(batch.len(), docs.len());
    for (d, a) in docs.iter().zip(&batch) {
        let one = analyzer.analyze_document(d);
        assert_eq!(serde_json::to_string(a).unwrap(), serde_json::to_string(&one).unwrap(), "{:?}", d.id);
    }
}

#[test]
fn a_batch_is_analysed_as_its_documents_one_by_one() {
    let (first, rest) = SAMPLE.split_at(SAMPLE.char_indices().nth(400).map_or(0, |(i, _)| i));
    same(&[doc("a", SAMPLE), doc("b", ""), doc("c", first), doc("d", rest), doc("e", "  \n"), doc("f", SAMPLE)]);
    same(&[]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_batch_matches(bodies in proptest::collection::vec("[ا-ي ،.a-z0-9\n]{0,80}", 0..6)) {
        let docs: Vec<Document> = bodies.iter().enumerate().map(|(i, b)| doc(&i.to_string(), b)).collect();
        same(&docs);
    }
}
