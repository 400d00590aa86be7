//! The story state file (`INDEX/stories/state-N.bin`) is read from disk: any bytes
//! are refused with an error or read into an engine that writes back the same bytes
//! and keeps assigning articles.
#![no_main]

use khabar_stories::{Features, StoryEngine};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut engine) = StoryEngine::from_bytes(data) {
        let bytes = engine.to_bytes();
        let again = StoryEngine::from_bytes(&bytes).expect("a state written by the engine reads back");
        assert_eq!(again.stats(), engine.stats());
        engine.assign(Features { id: "fuzz".into(), time: Some(0), ..Features::default() });
    }
});
