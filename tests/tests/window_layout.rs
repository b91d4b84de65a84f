//! The real window at the sizes people use: 1100×720 (the default), 1366×768 and
//! 1920×1080. At each, the list, a connection's details, a filtered list and every
//! view pass the same layout checks as the browser specs (`ui/e2e/layout-check.js`:
//! no word broken where it fits, long values cut with an ellipsis and whole in
//! the title, the details pane holds its labels, the search placeholder is read
//! whole, a short table leaves no empty box), the columns do not move when the
//! list is filtered, and a picture of each is kept. The README's screenshots of
//! the first screen, the list and Settings come from here. Also the keyboard:
//! the table is one Tab stop, moved with the arrows and Home/End, Enter goes into
//! the details pane and Escape back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use connassist_e2e::{
    Desktop, Result, app_binary, eventually, in_sandbox_app_as, screenshot_path,
    try_the_sandbox_as, within,
};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

const LAYOUT_CHECK: &str = include_str!("../../ui/e2e/layout-check.js");
const SIZES: [(u32, u32); 3] = [(1100, 720), (1366, 768), (1920, 1080)];

/// Where every size's pictures go (the chosen ones are also copied to docs/screenshots).
fn picture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("window-{name}.png"))
}

/// Saves what the window shows now, once WebKit has painted it.
async fn save(client: &Client, path: &Path) -> Result<()> {
    tokio::time::sleep(Duration::from_millis(400)).await;
    std::fs::write(path, client.screenshot().await?)?;
    Ok(())
}

/// The layout checks' findings for the page as it is now.
async fn layout_problems(client: &Client, state: &str, (w, h): (u32, u32)) -> Result<()> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let found = client
        .execute(&format!("return (\n{LAYOUT_CHECK}\n);"), vec![])
        .await?;
    let problems: Vec<String> = serde_json::from_value(found)?;
    assert!(
        problems.is_empty(),
        "{state} at {w}×{h}:\n  {}",
        problems.join("\n  ")
    );
    Ok(())
}

/// Resizes the window so that the page gets `width`×`height`: WebDriver sets the
/// outer size, and the viewport is what is left inside the window's frame.
async fn resize_viewport(client: &Client, (width, height): (u32, u32)) -> Result<()> {
    client.set_window_size(width, height).await?;
    let inner = |v: serde_json::Value| -> (u64, u64) {
        (
            v[0].as_u64().unwrap_or_default(),
            v[1].as_u64().unwrap_or_default(),
        )
    };
    let (iw, ih) = inner(
        client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await?,
    );
    let (dw, dh) = (u64::from(width) - iw, u64::from(height) - ih);
    if dw > 0 || dh > 0 {
        client
            .set_window_size(width + dw as u32, height + dh as u32)
            .await?;
    }
    let got = eventually(Duration::from_secs(5), "the window's new size", || async {
        let got = inner(
            client
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await?,
        );
        Ok((got == (u64::from(width), u64::from(height))).then_some(got))
    })
    .await;
    got.map(|_| ()).map_err(|e| {
        format!("the page did not get {width}×{height} (the screen is too small?): {e}").into()
    })
}

/// Types `text` into the search field, or empties it with `None`.
async fn search(client: &Client, text: Option<&str>) -> Result<()> {
    let field = client.find(Locator::Id("search")).await?;
    let now = field.prop("value").await?.unwrap_or_default();
    let backspaces: String =
        std::iter::repeat_n(char::from(Key::Backspace), now.chars().count()).collect();
    if !backspaces.is_empty() {
        field.send_keys(&backspaces).await?;
    }
    if let Some(text) = text {
        field.send_keys(text).await?;
    }
    Ok(())
}

/// The widths of the table's column headers.
async fn column_widths(client: &Client) -> Result<Vec<i64>> {
    let v = client
        .execute(
            "return [...document.querySelectorAll('table.grid thead th')].map((e) => Math.round(e.getBoundingClientRect().width));",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// The element, once it is on the page; fails naming `what`.
async fn shown(
    client: &Client,
    locator: Locator<'_>,
    what: &str,
) -> Result<fantoccini::elements::Element> {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(locator)
        .await
        .map_err(|e| format!("{what} did not show: {e}").into())
}

async fn click_css(client: &Client, css: &str) -> Result<()> {
    eventually(Duration::from_secs(20), css, || async {
        let el = client.find(Locator::Css(css)).await?;
        Ok(el.click().await.ok())
    })
    .await
}

async fn exercise_sizes(client: &Client) -> Result<()> {
    for size in SIZES {
        let (w, h) = size;
        resize_viewport(client, size).await?;
        click_css(client, "#nav-connections").await?;
        shown(
            client,
            Locator::Css("table.grid tbody tr[data-id]"),
            "the rows",
        )
        .await?;
        layout_problems(client, "the list", size).await?;
        save(client, &picture(&format!("{w}x{h}-list"))).await?;

        // The connection with the longest connector name, opened in the details pane.
        let row = "//table[contains(@class,'grid')]//tr[@data-id][td[contains(., 'SharePoint')]]/td[contains(@class,'name')]";
        shown(client, Locator::XPath(row), "a SharePoint row")
            .await?
            .click()
            .await?;
        shown(client, Locator::Id("detail"), "the details pane").await?;
        layout_problems(client, "a connection's details", size).await?;
        save(client, &picture(&format!("{w}x{h}-details"))).await?;
        if size == SIZES[0] {
            std::fs::copy(
                picture(&format!("{w}x{h}-details")),
                screenshot_path("connections.png"),
            )?;
        }

        // Filtered: the columns stay where they were and the box fits the rows.
        let wide = column_widths(client).await?;
        search(client, Some("SharePoint")).await?;
        eventually(Duration::from_secs(10), "the filtered list", || async {
            let status = client
                .find(Locator::Id("list-status"))
                .await?
                .text()
                .await?;
            Ok(status.contains("shown").then_some(()))
        })
        .await?;
        assert_eq!(
            column_widths(client).await?,
            wide,
            "columns moved when the list was filtered at {w}×{h}"
        );
        layout_problems(client, "the filtered list", size).await?;
        save(client, &picture(&format!("{w}x{h}-filtered"))).await?;
        search(client, None).await?;

        for (view, ready) in [
            ("audit", "#audit-status"),
            ("health", "#health-check"),
            ("new", "#nav-new[aria-current='page']"),
            ("settings", "#background-check"),
        ] {
            click_css(client, &format!("#nav-{view}")).await?;
            shown(client, Locator::Css(ready), view).await?;
            layout_problems(client, view, size).await?;
            save(client, &picture(&format!("{w}x{h}-{view}"))).await?;
        }
        if size == SIZES[0] {
            std::fs::copy(
                picture(&format!("{w}x{h}-settings")),
                screenshot_path("settings.png"),
            )?;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_holds_its_layout_at_three_sizes() -> Result<()> {
    within(300, "the_window_holds_its_layout_at_three_sizes", async {
        let desktop = Desktop::start()?;
        let client = desktop.open_app(&app_binary()).await?;
        let outcome = async {
            // The README's first screen: a refused plain-http address, at the default size.
            let field = client
                .wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Id("tenant-url"))
                .await?;
            resize_viewport(&client, SIZES[0]).await?;
            field.send_keys("http://example.com").await?;
            client.find(Locator::Id("sign-in")).await?.click().await?;
            eventually(Duration::from_secs(10), "the https message", || async {
                let text = client
                    .find(Locator::Id("tenant-url-message"))
                    .await?
                    .text()
                    .await?;
                Ok(text.contains("Use https://").then_some(()))
            })
            .await?;
            save(&client, &screenshot_path("first-screen.png")).await?;
            let backspaces: String =
                std::iter::repeat_n(char::from(Key::Backspace), "http://example.com".len())
                    .collect();
            field.send_keys(&backspaces).await?;

            try_the_sandbox_as(&client, "hana").await?;
            exercise_sizes(&client).await
        }
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        client.close().await?;
        outcome
    })
    .await
}

/// The id of the row that has keyboard focus, if one has.
async fn focused_row(client: &Client) -> Result<Option<String>> {
    let v = client
        .execute(
            "return document.activeElement?.closest('tr[data-id]')?.dataset.id ?? null;",
            vec![],
        )
        .await?;
    Ok(v.as_str().map(str::to_owned))
}

/// Waits until the row `id` (or no row) has keyboard focus; fails with what has it.
async fn focus_on(client: &Client, id: Option<&String>, what: &str) -> Result<()> {
    let got = eventually(Duration::from_secs(5), what, || async {
        let now = focused_row(client).await?;
        Ok((now.as_ref() == id).then_some(()))
    })
    .await;
    if got.is_err() {
        let now = focused_row(client).await?;
        return Err(format!("{what}: focus is on {now:?}, not {id:?}").into());
    }
    Ok(())
}

async fn press(client: &Client, key: Key) -> Result<()> {
    client
        .active_element()
        .await?
        .send_keys(&char::from(key).to_string())
        .await?;
    tokio::time::sleep(Duration::from_millis(150)).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_is_one_tab_stop_moved_with_the_keyboard() -> Result<()> {
    in_sandbox_app_as(
        "the_table_is_one_tab_stop_moved_with_the_keyboard",
        "hana",
        async |client| {
            let ids: Vec<String> = serde_json::from_value(
                client
                    .execute(
                        "return [...document.querySelectorAll('table.grid tbody tr[data-id]')].sort((a, b) => a.dataset.index - b.dataset.index).map((e) => e.dataset.id);",
                        vec![],
                    )
                    .await?,
            )?;
            assert!(ids.len() >= 3, "{ids:?}");

            // From the search field, Tab reaches the first row past the toolbar
            // and the column headers; one more Tab leaves the table.
            client.find(Locator::Id("search")).await?.click().await?;
            let mut presses = 0;
            while focused_row(client).await?.is_none() && presses < 30 {
                press(client, Key::Tab).await?;
                presses += 1;
            }
            focus_on(client, Some(&ids[0]), "Tab reaches the first row").await?;
            assert!(presses <= 14, "{presses} presses to reach the first row");
            press(client, Key::Down).await?;
            focus_on(client, Some(&ids[1]), "Down moves to the second row").await?;
            press(client, Key::Tab).await?;
            focus_on(client, None, "one Tab leaves the table").await?;

            client
                .find(Locator::Css(&format!("tr[data-id='{}'] td.name", ids[1])))
                .await?
                .click()
                .await?;
            press(client, Key::End).await?;
            focus_on(client, ids.last(), "End moves to the last row").await?;
            press(client, Key::Home).await?;
            focus_on(client, Some(&ids[0]), "Home moves to the first row").await?;
            press(client, Key::Down).await?;

            // Enter: into the details pane of that row; Escape: back to the row.
            press(client, Key::Enter).await?;
            let active = client
                .execute("return document.activeElement?.id ?? null;", vec![])
                .await?;
            assert_eq!(active.as_str(), Some("detail"));
            press(client, Key::Escape).await?;
            focus_on(client, Some(&ids[1]), "Escape goes back to the row").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_screen_follows_a_dark_desktop() -> Result<()> {
    within(120, "the_first_screen_follows_a_dark_desktop", async {
        let desktop = Desktop::start()?;
        // What a desktop set to dark writes: GTK's own setting, in the session's config folder.
        let gtk = desktop
            .app_config_dir()
            .parent()
            .ok_or("no config folder")?
            .join("gtk-3.0");
        std::fs::create_dir_all(&gtk)?;
        std::fs::write(
            gtk.join("settings.ini"),
            "[Settings]\ngtk-application-prefer-dark-theme=1\n",
        )?;
        let client = desktop.open_app(&app_binary()).await?;
        let outcome = async {
            shown(&client, Locator::Id("tenant-url"), "the first screen").await?;
            resize_viewport(&client, SIZES[0]).await?;
            let background = client
                .execute(
                    "return getComputedStyle(document.body).backgroundColor;",
                    vec![],
                )
                .await?;
            let background = background.as_str().unwrap_or_default().to_owned();
            let sum: u32 = background
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse::<u32>().ok())
                .take(3)
                .sum();
            assert!(sum < 120, "the body is not dark: {background}");
            save(&client, &screenshot_path("first-screen-dark.png")).await
        }
        .await;
        client.close().await?;
        outcome
    })
    .await
}
