//! Every route the router has — read from `src/router.rs`, so a new route is
//! tried without anyone remembering to add it — as a stranger and as every
//! role, aimed at another unit's obligation, file and report. Refusals are
//! 401/403/404 (or the sign-in page); nothing of the other unit shows in
//! any answer a unit's staff get; nothing answers 500.

#[macro_use]
mod common;

use common::{App, PASSWORD, TOWN, add_user, browser, csrf_in, sign_in, spawn_app};
use gongkai_domain::people::Role;
use gongkai_store::{NewAttachment, NewSubmission, ObligationFilter, ObligationId, TaskId};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

/// The unit whose work the others try to reach.
const OTHER: &str = "广州市从化区良口镇人民政府";

#[derive(Debug, Clone)]
struct Route {
    method: &'static str,
    path: String,
    /// Takes a multipart body (an upload route).
    multipart: bool,
}

/// The routes as `router.rs` declares them: each `.route("path", …)` with the
/// methods its handlers are given.
fn routes() -> Vec<Route> {
    // From the router's own table, as its areas declared the routes.
    gongkai_web::router::route_list()
        .into_iter()
        .map(|r| Route { method: r.method, path: r.path.to_string(), multipart: r.upload })
        .collect()
}

/// Routes anyone may call without signing in.
fn public(path: &str) -> bool {
    matches!(path, "/login" | "/static/site.css" | "/static/site.js" | "/feeds/{file}" | "/api/v1/openapi.json")
        || path.starts_with("/public")
}

/// The policy: what a role must be refused whatever the object. The region's
/// roles read the directory and the dashboard; only the office and the admin
/// import, edit the directory, confirm members, change plans, read the audit log.
fn must_refuse(route: &Route, login: &str) -> bool {
    let manager = matches!(login, "office" | "admin");
    let region = manager || login == "viewer";
    let managed = [
        "/import",
        "/units",
        "/audit",
        "/plans/",
        "/api/v1/imports",
        "/api/v1/units",
        "/api/v1/audit",
        "/api/v1/plans/",
    ]
    .iter()
    .any(|p| route.path.starts_with(p))
        || route.path.ends_with("/members");
    match (route.method, route.path.as_str()) {
        ("GET", "/units" | "/api/v1/units" | "/api/v1/dashboard") => !region,
        // The scoring rule is for everyone to read; only the office edits it.
        ("GET", "/api/v1/plans/{id}/scoring") => false,
        _ => managed && !manager,
    }
}

struct Ids {
    obligation: ObligationId,
    task: TaskId,
    file: i64,
    notice: i64,
    /// Another unit's 标准目录 and one of its items.
    catalogue: i64,
    item: i64,
    /// Another unit's 政府信息公开申请.
    request: i64,
}

/// Another unit's report with a file, made the way the unit would make it.
async fn other_units_work(app: &App) -> Ids {
    let hash = gongkai_web::secrets::hash_password(PASSWORD).unwrap();
    let author = add_user(&app.store, "liangkou", Role::Handler, Some(OTHER), &hash, false).await;
    let theirs =
        app.store.obligations(&ObligationFilter { unit: Some(OTHER.into()), ..Default::default() }).await.unwrap();
    // One reporting to the office, so that only the office may review it.
    let o = theirs.into_iter().find(|o| o.recipient.is_none() && o.due.is_some()).unwrap();
    let bytes = b"%PDF-1.4\n%%EOF\n";
    let sha256 = gongkai_web::files::store(&app.dir.path().join("files"), bytes).unwrap();
    let new = NewSubmission {
        obligation_id: o.id,
        author_id: author,
        text: "良口镇机密报送内容".into(),
        published_url: None,
        evidence_date: None,
        submitted_on: chrono::NaiveDate::from_ymd_opt(2020, 11, 20).unwrap(),
        files: vec![NewAttachment {
            file_name: "良口镇.pdf".into(),
            content_type: "application/pdf".into(),
            size: bytes.len() as i64,
            sha256,
        }],
    };
    // A notice is issued on open work, before the report came in.
    let day = |d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let notice = app
        .store
        .issue_notice(o.id, None, day("2020-11-25"), day("2020-12-02"), "良口镇督办", "{number}", "office")
        .await
        .unwrap();
    app.store.submit(&new, "liangkou").await.unwrap();
    let file = app.store.submissions(o.id).await.unwrap()[0].attachments[0].id;
    // Its catalogue draft (综合, an area no other unit supervises).
    let item = gongkai_domain::catalogue::ItemDraft {
        level1: Some("机构信息".into()),
        content: "良口镇机密报送内容".into(),
        timelimit: "信息形成之日起20个工作日内".into(),
        ..Default::default()
    };
    let catalogue =
        app.store.save_catalogue(OTHER, "综合", 0, "", "测试", &[item], Some(author), "liangkou").await.unwrap();
    let item = app.store.catalogue_items(catalogue).await.unwrap()[0].id;
    // A request to it, answered, with a letter.
    let request = gongkai_store::NewRequest {
        unit: OTHER.into(),
        number: "2020-0000-0000-0001".into(),
        applicant_kind: "自然人".into(),
        applicant: "良口镇申请人".into(),
        contact: String::new(),
        channel: "当面".into(),
        text: "良口镇机密申请内容".into(),
        from_public: false,
        submission_key: None,
        events: vec![gongkai_store::NewRequestEvent {
            kind: "submitted".into(),
            date: day("2020-11-02"),
            outcome: None,
            note: String::new(),
        }],
        state: gongkai_store::RequestState { received_on: Some(day("2020-11-02")), ..Default::default() },
        cases: Vec::new(),
    };
    let request = app.store.add_requests(&[request], "liangkou").await.unwrap()[0];
    app.store
        .add_request_document(request, 1, "登记回执", "回执.pdf", "application/pdf", &sha256_of(app), 15, "liangkou")
        .await
        .unwrap();
    Ids {
        obligation: o.id,
        task: o.task_id,
        file,
        notice: notice.id,
        catalogue: catalogue.0,
        item: item.0,
        request: request.0,
    }
}

/// The stored bytes of the report's file (a letter kept beside it).
fn sha256_of(app: &App) -> String {
    gongkai_web::files::store(&app.dir.path().join("files"), b"%PDF-1.4\n%%EOF\n").unwrap()
}

fn concrete(path: &str, ids: &Ids) -> String {
    let id = if path.starts_with("/files/") {
        ids.file.to_string()
    } else if path.contains("/notices/") {
        ids.notice.to_string()
    } else if path.contains("/tasks/") {
        ids.task.to_string()
    } else if path.contains("/plans/") {
        "1".to_string()
    } else if path.contains("/catalogues/") {
        ids.catalogue.to_string()
    } else if path.contains("/catalogue-items/") {
        ids.item.to_string()
    } else if path.starts_with("/requests/") {
        ids.request.to_string()
    } else {
        ids.obligation.to_string()
    };
    path.replace("{id}", &id)
        .replace("{file}", "0123456789abcdef.ics")
        .replace("{event}", "1")
        .replace("{case}", "1")
        .replace("{document}", "1")
        .replace("{code}", "receipt")
}

/// A plausible body for each kind of route, with a valid CSRF token, so that
/// what is tested is the scope check, not the form check.
async fn send(
    client: &reqwest::Client,
    app: &App,
    route: &Route,
    path: &str,
    csrf: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let url = app.url(path);
    let mut request = if route.method == "GET" { client.get(url) } else { client.post(url) };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if route.method == "POST" {
        request = if route.multipart {
            let file = Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("x.pdf");
            let form = Form::new()
                .text("csrf", csrf.to_string())
                .text("text", "越权报送")
                .part(if path.contains("import") { "file" } else { "files" }, file);
            request.multipart(form)
        } else if path.starts_with("/api/") {
            request.json(&serde_json::json!({
                "decision": "accept", "reason": "越权", "head_signoff": true, "units": [OTHER],
                "name": "越权单位", "kind": "department", "due": "2020-12-31",
            }))
        } else {
            request.form(&[
                ("csrf", csrf),
                ("decision", "return"),
                ("reason", "越权"),
                ("current", "x"),
                ("new", "y"),
                ("again", "y"),
                ("name", "越权单位"),
                ("kind", "department"),
                ("unit", OTHER),
                ("act", "return"),
                ("revision", "1"),
                ("comment", "越权"),
                ("area", "综合"),
                ("from", "1"),
                ("title", "越权登记"),
                ("published_on", "2020-11-20"),
                ("date", "2020-11-20"),
                ("filed", "2020-11-20"),
                ("result", "结果维持"),
                ("letter", "receipt"),
                ("body", "{申请人}：越权"),
            ])
        };
    }
    request.send().await.unwrap()
}

async fn every_route_as_every_role(app: App) {
    let ids = other_units_work(&app).await;
    let routes = routes();
    assert!(routes.len() >= 40, "the router has more routes than were found: {routes:?}");
    // Signing out ends the session the other checks use: it goes last.
    let mut routes: Vec<Route> = routes.into_iter().filter(|r| r.path != "/logout").collect();
    routes.push(Route { method: "POST", path: "/logout".into(), multipart: false });

    // A stranger: the sign-in page for pages, 401 for the API.
    let stranger = browser();
    for route in &routes {
        let path = concrete(&route.path, &ids);
        let response = send(&stranger, &app, route, &path, "", None).await;
        let status = response.status();
        assert!(!status.is_server_error(), "stranger {} {path}: {status}", route.method);
        if public(&route.path) {
            continue;
        }
        if path.starts_with("/api/") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "stranger {} {path}", route.method);
        } else {
            assert_eq!(status, StatusCode::SEE_OTHER, "stranger {} {path}", route.method);
            assert_eq!(response.headers()["location"], "/login", "stranger {} {path}", route.method);
        }
    }

    for login in ["town", "townhead", "civil", "viewer", "office", "admin"] {
        let (client, _) = sign_in(&app, login, PASSWORD).await;
        let csrf = csrf_in(&client.get(app.url("/password")).send().await.unwrap().text().await.unwrap());
        let unit_bound = matches!(login, "town" | "townhead" | "civil");
        for route in &routes {
            let path = concrete(&route.path, &ids);
            // Pages with the session; the API with the bearer token for writes
            // (a cookie alone may not write) and the session for reads.
            let token = (path.starts_with("/api/") && route.method == "POST").then(|| app.token(login));
            let response = send(&client, &app, route, &path, &csrf, token).await;
            let status = response.status();
            let what = format!("{login} {} {path}", route.method);
            let body = response.text().await.unwrap_or_default();
            assert!(!status.is_server_error(), "{what}: {status} {body}");
            if must_refuse(route, login) {
                assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
            }
            let aims_at_other =
                route.path.contains("{id}") && !route.path.contains("/tasks/") && !route.path.contains("/plans/");
            if unit_bound && aims_at_other {
                assert!(
                    matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                    "{what} reached another unit's work: {status} {body}"
                );
            }
            if unit_bound {
                // The public pages name every unit; internal work is never on them.
                let secrets: &[&str] = if public(&route.path) {
                    &["良口镇机密报送内容", "良口镇.pdf", "良口镇督办"]
                } else {
                    &[OTHER, "良口镇机密报送内容", "良口镇.pdf", "良口镇督办"]
                };
                for secret in secrets {
                    assert!(!body.contains(secret), "{what} shows “{secret}”: {body}");
                }
            }
        }
    }
    // Nothing of the attempts changed the other unit's report.
    let theirs = app.store.submissions(ids.obligation).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert!(theirs[0].reviews.iter().all(|r| r.reviewer == "office"), "only the office may have reviewed it");
}

#[test]
fn routes_are_read_from_the_router() {
    let routes = routes();
    let find = |method: &str, path: &str| routes.iter().any(|r| r.method == method && r.path == path);
    assert!(find("GET", "/obligations/{id}") && find("POST", "/obligations/{id}/submit"));
    assert!(
        find("GET", "/api/v1/obligations/{id}/submissions") && find("POST", "/api/v1/obligations/{id}/submissions")
    );
    assert!(routes.iter().any(|r| r.path == "/api/v1/imports" && r.multipart));
}

#[test]
fn every_api_route_is_described_in_the_openapi_document() {
    let document: serde_json::Value = serde_json::from_str(include_str!("../src/openapi.json")).unwrap();
    for route in routes().iter().filter(|r| r.path.starts_with("/api/")) {
        let method = route.method.to_lowercase();
        assert!(
            document["paths"][&route.path][&method].is_object(),
            "{} {} is not in openapi.json",
            route.method,
            route.path
        );
    }
}

#[tokio::test]
async fn counts_and_lists_hold_only_the_callers_unit() {
    let app = spawn_app(None).await;
    other_units_work(&app).await;
    let own = app.store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(app.url(path)).bearer_auth(app.token("town")).send();
    let list: Vec<serde_json::Value> = get("/api/v1/obligations").await.unwrap().json().await.unwrap();
    assert_eq!(list.len(), own.len());
    assert!(list.iter().all(|o| o["unit"] == TOWN));
    let asked: Vec<serde_json::Value> =
        get(&format!("/api/v1/obligations?unit={OTHER}")).await.unwrap().json().await.unwrap();
    assert!(asked.is_empty(), "asking for another unit gives nothing");
    assert_eq!(get("/api/v1/dashboard").await.unwrap().status(), StatusCode::FORBIDDEN);
    let tasks: Vec<serde_json::Value> = get("/api/v1/tasks").await.unwrap().json().await.unwrap();
    assert!(tasks.iter().all(|t| t["units"].as_array().unwrap().iter().all(|u| u == TOWN)));
}

on_both_backends! {
    every_route_as_every_role => every_route_as_every_role_on_sqlite, every_route_as_every_role_on_postgres;
}
