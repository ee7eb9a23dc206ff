//! The bare baselines, measured in the same run with the same client: an actix-web handler that inserts one
//! 10-field row per request through a group-commit writer thread (the ingest reference the form path is measured against), and
//! one that renders the 30-question page with handlebars on every request (the page reference).

use std::sync::{mpsc, Mutex};
use std::time::Instant;

use actix_web::{web, App, HttpResponse, HttpServer};
use diesel::connection::SimpleConnection;
use opros::config::DatabaseUrl;
use opros::definition::{Answers, Definition};
use opros::form::view::{page_view, PageInput};
use opros::form::{draw, Flow, Orders};
use opros::store::AnyConnection;
use rand::rngs::StdRng;
use rand::Rng;

use super::http::Client;
use super::{cpu_seconds, drive, postgres_cpu, postgres_cpu_since, Args, Stats, Target};

const BARE_FIELDS: usize = 10;

struct BareJob {
    row: Vec<String>,
    reply: tokio::sync::oneshot::Sender<bool>,
}

fn bare_writer(url: DatabaseUrl, rx: mpsc::Receiver<BareJob>) {
    let Ok(mut conn) = AnyConnection::connect(&url) else {
        eprintln!("bare baseline: cannot connect");
        return;
    };
    let cols: Vec<String> = (1..=BARE_FIELDS).map(|i| format!("f{i} TEXT NOT NULL")).collect();
    if let Err(e) = conn.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS bare_rows (id TEXT PRIMARY KEY, {})",
        cols.join(", ")
    )) {
        eprintln!("bare baseline: {e}");
        return;
    }
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < 256 {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        // Values are checked to be [A-Za-z0-9] by the handler, so quoting them inline is safe here.
        let values: Vec<String> = batch
            .iter()
            .map(|j| {
                let v: Vec<String> = j.row.iter().map(|x| format!("'{x}'")).collect();
                format!("('{}', {})", uuid::Uuid::new_v4().simple(), v.join(", "))
            })
            .collect();
        let sql = format!("INSERT INTO bare_rows VALUES {}", values.join(", "));
        let ok = conn
            .write_transaction(|c| -> Result<(), diesel::result::Error> { c.batch_execute(&sql) })
            .is_ok();
        for j in batch {
            let _ = j.reply.send(ok);
        }
    }
}

async fn bare_insert(body: web::Bytes, tx: web::Data<Mutex<mpsc::Sender<BareJob>>>) -> HttpResponse {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let row: Vec<String> = pairs.into_iter().map(|(_, v)| v).collect();
    if row.len() != BARE_FIELDS || !row.iter().all(|v| v.chars().all(|c| c.is_ascii_alphanumeric())) {
        return HttpResponse::UnprocessableEntity().finish();
    }
    let (reply, rx) = tokio::sync::oneshot::channel();
    let sent = tx
        .lock()
        .map(|t| t.send(BareJob { row, reply }).is_ok())
        .unwrap_or(false);
    match (sent, rx.await) {
        (true, Ok(true)) => HttpResponse::Ok().body("ok"),
        _ => HttpResponse::ServiceUnavailable().finish(),
    }
}

/// Serves `configure` on a loopback port in this process while `drive` runs `target` against it; the
/// server's CPU is this process's CPU minus the client threads'.
fn serve_and_drive<F>(args: &Args, target: Target, configure: F) -> Result<Stats, String>
where
    F: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let workers = if args.workers > 0 {
        args.workers
    } else {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    };
    let (htx, hrx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || App::new().configure(configure.clone()))
                .workers(workers)
                .listen(listener);
            match server {
                Ok(s) => {
                    let s = s.run();
                    let _ = htx.send(Some(s.handle()));
                    let _ = s.await;
                }
                Err(_) => {
                    let _ = htx.send(None);
                }
            }
        })
    });
    let handle = hrx.recv().ok().flatten().ok_or("bare baseline server did not start")?;
    let before = cpu_seconds("/proc/self/stat");
    let pg_before = postgres_cpu();
    let mut stats = drive(args, addr, target);
    stats.server_cpu = before.and_then(|b| Some(cpu_seconds("/proc/self/stat")? - b - stats.client_cpu));
    stats.pg_cpu = postgres_cpu_since(&pg_before);
    actix_web::rt::System::new().block_on(handle.stop(true));
    Ok(stats)
}

pub fn insert_baseline(args: &Args, url: &DatabaseUrl) -> Result<Stats, String> {
    let (tx, rx) = mpsc::channel();
    let url = url.clone();
    std::thread::spawn(move || bare_writer(url, rx));
    let tx = web::Data::new(Mutex::new(tx));
    serve_and_drive(args, Target::BareInsert, move |cfg| {
        cfg.app_data(tx.clone()).route("/bare", web::post().to(bare_insert));
    })
}

pub async fn insert_request(http: &mut Client, rng: &mut StdRng, stats: &mut Stats) {
    let body: Vec<(String, String)> = (1..=BARE_FIELDS)
        .map(|i| (format!("f{i}"), format!("v{}", rng.random_range(0..1_000_000u32))))
        .collect();
    let body = serde_urlencoded::to_string(&body).unwrap_or_default();
    let t = Instant::now();
    match http.post_form("/bare", None, body.as_bytes()).await {
        Ok(r) if r.status == 200 => {
            stats.time("POST bare insert", t);
            stats.completed += 1;
        }
        Ok(r) => stats.error(format!("bare: HTTP {}", r.status)),
        Err(e) => stats.error(format!("bare: {}", e.kind())),
    }
}

/// The respondent id the bare baselines draw the question order for.
const BENCH_RESPONSE_ID: &str = "00000000-0000-4000-8000-000000000001";

/// The first page of `def` for a new respondent (no answers), with fixed token values except `csrf`.
fn first_page_input<'a>(def: &'a Definition, orders: &'a Orders, answers: &'a Answers, csrf: &'a str) -> PageInput<'a> {
    let flow = Flow::new(def, orders);
    PageInput {
        def,
        slug: &def.slug,
        lang: def.languages.first().map_or("ru", String::as_str),
        page: flow.page_at(0).unwrap_or(0),
        orders,
        answers,
        submitted: None,
        errors: &[],
        progress: flow.progress(0, answers),
        is_last: flow.next_after(0, answers).is_none(),
        can_go_back: false,
        csrf,
        shown: "1764400000000.0123456789abcdef0123",
        resume_url: "/s/bench?r=0123456789abcdef0123456789abcdef",
    }
}

/// The CSRF token of the benchmark's fixed first page.
const BENCH_CSRF: &str = "0123456789abcdef0123456789abcdef";

/// The view model of the first page for a new respondent, with fixed token values, as JSON (kept by the
/// bare render server for every request).
pub fn first_page_view(def: &Definition) -> serde_json::Value {
    let orders = draw(def, BENCH_RESPONSE_ID);
    let answers = Answers::new();
    serde_json::to_value(page_view(&first_page_input(def, &orders, &answers, BENCH_CSRF))).unwrap_or_default()
}

async fn bare_render(view: web::Data<serde_json::Value>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(opros::web::pages::render("form", view.get_ref()))
}

pub fn render_baseline(args: &Args, def: &Definition) -> Result<Stats, String> {
    let view = web::Data::new(first_page_view(def));
    serve_and_drive(args, Target::BareRender, move |cfg| {
        cfg.app_data(view.clone()).route("/bare", web::get().to(bare_render));
    })
}

pub async fn render_request(http: &mut Client, stats: &mut Stats) {
    let t = Instant::now();
    match http.get("/bare", None).await {
        Ok(r) if r.status == 200 => {
            stats.time("GET bare render", t);
            stats.completed += 1;
        }
        Ok(r) => stats.error(format!("bare render: HTTP {}", r.status)),
        Err(e) => stats.error(format!("bare render: {}", e.kind())),
    }
}

/// Single-thread timings of the page work without HTTP: the view model, the handlebars render of it, and
/// the page from the render cache (`opros::web::form_render`) with a different CSRF token each time.
pub fn render_in_process(def: &Definition) {
    let n = 2_000;
    let time = |f: &mut dyn FnMut(usize) -> usize| {
        let t = Instant::now();
        let mut bytes = 0;
        for i in 0..n {
            bytes += f(i);
        }
        (t.elapsed().as_secs_f64() * 1e6 / n as f64, bytes / n)
    };
    let orders = draw(def, BENCH_RESPONSE_ID);
    let answers = Answers::new();
    let input = first_page_input(def, &orders, &answers, BENCH_CSRF);
    let view = page_view(&input);
    let (render_us, size) = time(&mut |_| opros::web::pages::render("form", &view).len());
    let (view_us, _) = time(&mut |_| serde_json::to_string(&page_view(&input)).map_or(0, |s| s.len()));
    let cache = opros::web::form_render::PageCache::default();
    let (cached_us, cached_size) = time(&mut |i| {
        let csrf = format!("{i:032x}");
        cache
            .render("bench", &first_page_input(def, &orders, &answers, &csrf))
            .len()
    });
    println!(
        "\nin process, one thread, {size}-byte page: view model {view_us:.1} µs, handlebars render {render_us:.1} µs, \
         from the render cache {cached_us:.1} µs ({cached_size} bytes) = {:.0}× the handlebars render",
        render_us / cached_us.max(1e-9)
    );
}
