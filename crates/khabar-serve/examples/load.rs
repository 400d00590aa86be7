//! A bounded load test of khabar serve on 127.0.0.1: N clients (default 32),
//! each on its own keep-alive connection, for S seconds (default 15), cycling
//! analyse → search → ingest; prints p50/p99 per kind and the errors, and exits
//! 1 if any request failed (a non-2xx answer or a connection error).
//!
//! ```sh
//! khabar serve --index /tmp/news.idx --addr 127.0.0.1:8090 &        # a release build
//! cargo run --release -p khabar-serve --example load -- --addr 127.0.0.1:8090
//! cargo run --release -p khabar-serve --example load -- --index /tmp/x.idx   # in-process server
//! ```
//! Ingested documents get ids `load-<client>-<n>`: run it on a copy of an index you keep.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use khabar_serve::client::{encode, Client};
use khabar_serve::{AppState, ServeOptions};

const QUERIES: [&str; 16] = [
    "السعودية",
    "النفط",
    "مفاوضات",
    "الرياض",
    "اليمن",
    "بوتين",
    "وزارة الصحة",
    "\"ولي العهد\"",
    "كرة القدم",
    "الأمطار",
    "أسعار",
    "التعليم",
    "الحوثي -اليمن",
    "مجلس الأمن",
    "الاتحاد OR الهلال",
    "الطائرة",
];

const TEXTS: [&str; 4] = [
    "التقى الرئيس الروسي فلاديمير بوتين في موسكو بوفد من الأمم المتحدة، وبحث الجانبان سبل استئناف المفاوضات بشأن الأزمة. وقال المتحدث باسم الكرملين إن اللقاء كان بناءً.",
    "أعلنت وزارة الصحة في الرياض عن افتتاح مستشفى جديد في المنطقة الشرقية بسعة ثلاثمائة سرير. وأوضح الوزير أن المشروع يخدم أكثر من مليون نسمة في الدمام والخبر.",
    "ارتفعت أسعار النفط في التعاملات الآسيوية اليوم الثلاثاء بعد أن خفضت منظمة أوبك توقعاتها للإمدادات، وسجل خام برنت 52 دولارا للبرميل.",
    "فاز الهلال على الاتحاد بهدفين مقابل هدف في المباراة التي جمعتهما على ملعب الملك فهد الدولي بالرياض ضمن الجولة الخامسة من الدوري السعودي للمحترفين.",
];

#[derive(Default)]
struct Stats {
    times: [Vec<f64>; 3],
    errors: [u64; 3],
    first_errors: Vec<String>,
}

const KINDS: [&str; 3] = ["analyze", "search", "ingest"];

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut addr, mut index, mut clients, mut secs) = (None::<SocketAddr>, None::<String>, 32usize, 15u64);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| die(&format!("{a}: needs a value")));
        match a.as_str() {
            "--addr" => addr = Some(value().parse().unwrap_or_else(|e| die(&format!("--addr: {e}")))),
            "--index" => index = Some(value()),
            "--clients" => clients = value().parse().unwrap_or_else(|e| die(&format!("--clients: {e}"))),
            "--secs" => secs = value().parse().unwrap_or_else(|e| die(&format!("--secs: {e}"))),
            _ => die(&format!("unknown argument {a}; usage: load (--addr HOST:PORT | --index DIR) [--clients 32] [--secs 15]")),
        }
    }
    let mut server = None;
    let addr = match (addr, index) {
        (Some(a), _) => a,
        (None, Some(dir)) => {
            let state = AppState::open(std::path::Path::new(&dir), ServeOptions::default()).unwrap_or_else(|e| die(&format!("{dir}: {e}")));
            let (tx, rx) = std::sync::mpsc::channel();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            server = Some((
                stop,
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Runtime::new().expect("tokio");
                    rt.block_on(async move {
                        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                        tx.send(l.local_addr().expect("address")).expect("send");
                        let _ = khabar_serve::run(l, state.clone(), async {
                            let _ = stopped.await;
                        })
                        .await;
                        state.close();
                    });
                }),
            ));
            rx.recv().expect("server address")
        }
        (None, None) => die("give --addr of a running server or --index DIR"),
    };
    assert!(addr.ip().is_loopback(), "the load test only targets 127.0.0.1");
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|w| {
            std::thread::spawn(move || {
                let mut c = Client::new(addr);
                let mut s = Stats::default();
                let mut i = 0usize;
                while Instant::now() < deadline {
                    let kind = (i + w) % 3;
                    let text = TEXTS[(i / 3 + w) % TEXTS.len()];
                    let t = Instant::now();
                    let r = match kind {
                        0 => c.post("/v1/analyze", "text/plain; charset=utf-8", text.as_bytes()),
                        1 => c.get(&format!("/v1/search?q={}", encode(QUERIES[(i / 3 + w * 5) % QUERIES.len()]))),
                        _ => {
                            let doc = serde_json::json!({"id": format!("load-{w}-{i}"), "title": "اختبار الحمل", "body": text, "source": "load", "published": "2015-09-01"});
                            c.post("/v1/documents", "application/json", doc.to_string().as_bytes())
                        }
                    };
                    s.times[kind].push(t.elapsed().as_secs_f64() * 1000.0);
                    match r {
                        Ok(r) if (200..300).contains(&r.status) => {}
                        Ok(r) => {
                            s.errors[kind] += 1;
                            s.first_errors.push(format!("{} {}: {}", KINDS[kind], r.status, r.text()));
                        }
                        Err(e) => {
                            s.errors[kind] += 1;
                            s.first_errors.push(format!("{}: {e}", KINDS[kind]));
                        }
                    }
                    i += 1;
                }
                s
            })
        })
        .collect();
    let mut all = Stats::default();
    for w in workers {
        let s = w.join().expect("client thread");
        for k in 0..3 {
            all.times[k].extend(&s.times[k]);
            all.errors[k] += s.errors[k];
        }
        all.first_errors.extend(s.first_errors.into_iter().take(3));
    }
    let wall = started.elapsed().as_secs_f64();
    if let Some((stop, t)) = server {
        let _ = stop.send(());
        let _ = t.join();
    }
    let total: usize = all.times.iter().map(Vec::len).sum();
    let errors: u64 = all.errors.iter().sum();
    println!("{clients} clients for {wall:.1} s on {addr}: {total} requests ({:.0}/s), {errors} errors", total as f64 / wall);
    for (k, kind) in KINDS.iter().enumerate() {
        let t = &mut all.times[k];
        t.sort_by(f64::total_cmp);
        let pct = |p: f64| if t.is_empty() { 0.0 } else { t[((p * t.len() as f64).ceil() as usize).clamp(1, t.len()) - 1] };
        println!(
            "  {:<8} {:>6} requests  p50 {:>8.1} ms  p99 {:>8.1} ms  max {:>8.1} ms  errors {}",
            kind,
            t.len(),
            pct(0.5),
            pct(0.99),
            t.last().copied().unwrap_or(0.0),
            all.errors[k]
        );
    }
    for e in all.first_errors.iter().take(10) {
        eprintln!("error: {e}");
    }
    if errors > 0 {
        std::process::exit(1);
    }
}

fn die(msg: &str) -> ! {
    eprintln!("load: {msg}");
    std::process::exit(2);
}
