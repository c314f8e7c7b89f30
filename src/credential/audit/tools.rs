//! The programs the audit hands binary carriers to: Tesseract (`tesseract`, text recognition
//! in images), poppler's `pdftotext`, `pdfimages -list` and `pdftoppm` (a scanned page as a
//! picture), and catdoc's `catdoc`, `xls2csv` and `catppt` (Office 97-2003 documents). All
//! read the file on standard input (`xls2csv` and `catppt` by the name `/dev/stdin`) and
//! write on standard output, so no attachment or page is ever written to disk, and nothing
//! about it goes on a command line. Each run has a time limit; a program that is missing or
//! fails makes the item "not read", never the audit fail.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one image or one PDF may take.
const LIMIT: Duration = Duration::from_secs(120);

/// Why a tool gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ToolError {
    /// The document is protected by a password.
    Protected,
    /// The program failed on this input (damaged, unsupported).
    Failed(String),
}

/// Finds `name` on `PATH`.
pub(super) fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs `program args` with `input` on standard input; returns (exit success, stdout, stderr).
fn run(program: &Path, args: &[&str], input: &[u8]) -> Result<(bool, Vec<u8>, String), String> {
    let mut child = Command::new(program)
        .args(args)
        // One thread per run: the audit runs as many images at once as there are cores.
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    std::thread::scope(|s| {
        s.spawn(move || {
            // A program that stops reading early (a broken image) closes the pipe: fine.
            let _ = stdin.write_all(input);
        });
        let out = s.spawn(move || {
            let mut v = Vec::new();
            let _ = stdout.read_to_end(&mut v);
            v
        });
        let err = s.spawn(move || {
            let mut v = Vec::new();
            let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut v);
            String::from_utf8_lossy(&v).to_string()
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break Ok(st),
                Ok(None) if started.elapsed() > LIMIT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(format!(
                        "{} took longer than {} s",
                        program.display(),
                        LIMIT.as_secs()
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => break Err(e.to_string()),
            }
        };
        let out = out.join().unwrap_or_default();
        let err = err.join().unwrap_or_default();
        status.map(|st| (st.success(), out, err))
    })
}

/// Tesseract, when it can be used.
#[derive(Debug, Clone)]
pub(super) struct Ocr {
    program: PathBuf,
    languages: String,
}

impl Ocr {
    /// Looks for `tesseract` and its language data; says why not when it cannot be used.
    pub(super) fn detect(languages: &str) -> Result<Ocr, String> {
        if !cfg!(feature = "ocr") {
            return Err(
                "this sealmail was built without text recognition (cargo feature `ocr`)".into(),
            );
        }
        let program = find_program("tesseract").ok_or(
            "Tesseract is not installed (Debian: apt install tesseract-ocr tesseract-ocr-eng)",
        )?;
        let (_, out, err) = run(&program, &["--list-langs"], b"")
            .map_err(|e| format!("Tesseract does not run: {e}"))?;
        let listed = format!("{}{}", String::from_utf8_lossy(&out), err);
        let have: Vec<&str> = listed.lines().skip(1).map(str::trim).collect();
        for l in languages.split('+') {
            if !have.contains(&l) {
                return Err(format!(
                    "Tesseract has no language data for \"{l}\" (Debian: apt install tesseract-ocr-{l})"
                ));
            }
        }
        Ok(Ocr {
            program,
            languages: languages.to_string(),
        })
    }

    /// The text in an image.
    pub(super) fn read(&self, image: &[u8]) -> Result<String, ToolError> {
        let prepared = prepare(image);
        let input = prepared.as_deref().unwrap_or(image);
        let (ok, out, err) = run(
            &self.program,
            &["stdin", "stdout", "-l", &self.languages, "--psm", "3"],
            input,
        )
        .map_err(ToolError::Failed)?;
        if !ok {
            return Err(ToolError::Failed(first_line(&err)));
        }
        Ok(String::from_utf8_lossy(&out).to_string())
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with("Estimating resolution"))
        .unwrap_or("failed")
        .trim()
        .to_string()
}

/// The text of a PDF, one string per page.
pub(super) fn pdf_pages(program: &Path, pdf: &[u8]) -> Result<Vec<String>, ToolError> {
    let (ok, out, err) =
        run(program, &["-layout", "-enc", "UTF-8", "-", "-"], pdf).map_err(ToolError::Failed)?;
    if !ok {
        let e = err.to_lowercase();
        if e.contains("password") || e.contains("encrypt") {
            return Err(ToolError::Protected);
        }
        return Err(ToolError::Failed(first_line(&err)));
    }
    let text = String::from_utf8_lossy(&out);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Ok(pages)
}

/// One page of a PDF as a PNG picture, for text recognition of a page that has no text of
/// its own (a scan, a printed screenshot).
pub(super) fn pdf_page_png(program: &Path, pdf: &[u8], page: usize) -> Result<Vec<u8>, ToolError> {
    let n = page.to_string();
    let (ok, out, err) = run(
        program,
        &["-png", "-r", "200", "-f", &n, "-l", &n, "-singlefile", "-"],
        pdf,
    )
    .map_err(ToolError::Failed)?;
    if !ok || out.is_empty() {
        return Err(ToolError::Failed(first_line(&err)));
    }
    Ok(out)
}

/// The pages of a PDF with a picture big enough to hold text (a screenshot pasted into a
/// document), from `pdfimages -list`; icons, logos and masks are left out.
pub(super) fn pdf_picture_pages(program: &Path, pdf: &[u8]) -> Result<Vec<usize>, ToolError> {
    let (ok, out, err) = run(program, &["-list", "-"], pdf).map_err(ToolError::Failed)?;
    if !ok {
        return Err(ToolError::Failed(first_line(&err)));
    }
    let mut pages: Vec<usize> = String::from_utf8_lossy(&out)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (page, kind) = (f.first()?.parse::<usize>().ok()?, *f.get(2)?);
            let (w, h) = (
                f.get(3)?.parse::<u32>().ok()?,
                f.get(4)?.parse::<u32>().ok()?,
            );
            (kind == "image" && w >= 200 && h >= 40).then_some(page)
        })
        .collect();
    pages.dedup();
    Ok(pages)
}

/// The text of a Word 97-2003 document (`catdoc`, UTF-8, no line wrapping). A protected
/// document (its FIB's encryption flag) gives no text.
pub(super) fn word97_text(program: &Path, doc: &[u8]) -> Result<String, ToolError> {
    old_office_text(program, &["-d", "utf-8", "-w"], doc)
}

/// The cells of an Excel 97-2003 workbook (`xls2csv`, UTF-8, tab between cells, no quotes, a
/// blank line between sheets). `xls2csv` reads its input by name: `/dev/stdin` is the pipe.
pub(super) fn excel97_text(program: &Path, book: &[u8]) -> Result<String, ToolError> {
    old_office_text(
        program,
        &[
            "-d",
            "utf-8",
            "-q",
            "0",
            "-c",
            "\t",
            "-b",
            "\n",
            "/dev/stdin",
        ],
        book,
    )
}

/// The text of a PowerPoint 97-2003 presentation (`catppt`, UTF-8).
pub(super) fn powerpoint97_text(program: &Path, deck: &[u8]) -> Result<String, ToolError> {
    old_office_text(program, &["-d", "utf-8", "/dev/stdin"], deck)
}

fn old_office_text(program: &Path, args: &[&str], data: &[u8]) -> Result<String, ToolError> {
    let (ok, out, err) = run(program, args, data).map_err(ToolError::Failed)?;
    if !ok {
        let e = err.to_lowercase();
        if e.contains("encrypt") || e.contains("password") {
            return Err(ToolError::Protected);
        }
        return Err(ToolError::Failed(first_line(&err)));
    }
    Ok(String::from_utf8_lossy(&out).to_string())
}

/// Screen text is small: Tesseract reads it best at about twice its size, dark on light, in
/// grey. Decodes the image (PNG, JPEG, GIF, BMP, TIFF, WebP), turns it grey, makes a dark
/// theme light, enlarges a screen-sized picture, and hands over a PNG. None when the image
/// cannot be decoded here (Tesseract then gets the original).
#[cfg(feature = "ocr")]
fn prepare(data: &[u8]) -> Option<Vec<u8>> {
    use image::{imageops, ImageReader, Limits};
    let mut reader = ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    limits.max_alloc = Some(512 << 20);
    reader.limits(limits);
    let mut grey = reader.decode().ok()?.to_luma8();
    let (w, h) = grey.dimensions();
    let mean = grey.pixels().map(|p| u64::from(p.0[0])).sum::<u64>() / u64::from(w * h).max(1);
    if mean < 110 {
        imageops::invert(&mut grey);
    }
    let scale = if w.max(h) <= 1400 { 2 } else { 1 };
    if scale > 1 {
        grey = imageops::resize(
            &grey,
            w * scale,
            h * scale,
            imageops::FilterType::CatmullRom,
        );
    }
    let mut png = Vec::new();
    grey.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    Some(png)
}

#[cfg(not(feature = "ocr"))]
fn prepare(_: &[u8]) -> Option<Vec<u8>> {
    None
}
