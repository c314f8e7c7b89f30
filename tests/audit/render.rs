//! Screenshots and documents for the labelled mailbox, made by the programs people's files come
//! from: ImageMagick draws text the way a terminal, an editor or a chat window shows it (fonts,
//! sizes, light and dark themes, PNG/JPEG/GIF/BMP/TIFF), and LibreOffice writes DOCX, ODT, PDF,
//! XLSX and ODS from text and CSV, and PDFs whose page is only a picture (a scan). qpdf, zip and
//! 7z make the password-protected ones.

use std::path::{Path, PathBuf};
use std::process::Command;

/// How a screenshot looks.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub font: &'static str,
    pub size: u32,
    pub background: &'static str,
    pub foreground: &'static str,
    pub format: &'static str,
}

/// Terminal, editor, chat and web page looks, light and dark, small and large.
pub const LOOKS: &[Look] = &[
    Look {
        font: "DejaVu-Sans-Mono",
        size: 15,
        background: "#1e1e1e",
        foreground: "#d4d4d4",
        format: "png",
    },
    Look {
        font: "Liberation-Sans",
        size: 16,
        background: "#ffffff",
        foreground: "#202124",
        format: "png",
    },
    Look {
        font: "Liberation-Mono",
        size: 14,
        background: "#300a24",
        foreground: "#ffffff",
        format: "png",
    },
    Look {
        font: "Lato-Regular",
        size: 18,
        background: "#f4f5f7",
        foreground: "#172b4d",
        format: "jpg",
    },
    Look {
        font: "Liberation-Serif",
        size: 20,
        background: "#ffffff",
        foreground: "#000000",
        format: "gif",
    },
    Look {
        font: "DejaVu-Sans",
        size: 13,
        background: "#ffffff",
        foreground: "#333333",
        format: "png",
    },
    Look {
        font: "DejaVu-Sans-Mono",
        size: 24,
        background: "#002b36",
        foreground: "#93a1a1",
        format: "bmp",
    },
    Look {
        font: "Liberation-Sans",
        size: 28,
        background: "#fafafa",
        foreground: "#1a1a1a",
        format: "tiff",
    },
    Look {
        font: "Lato-Regular",
        size: 14,
        background: "#2b2d31",
        foreground: "#dbdee1",
        format: "jpg",
    },
];

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (bash .ci/setup installs it)"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Draws `text` as a screenshot in `look`; returns the file's bytes.
pub fn screenshot(dir: &Path, name: &str, text: &str, look: Look) -> Vec<u8> {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("{name}.{}", look.format));
    // ImageMagick reads `%` and `\` in a label as escapes.
    let label = text.replace('\\', "\\\\").replace('%', "%%");
    run(Command::new("convert")
        .args([
            "-background",
            look.background,
            "-fill",
            look.foreground,
            "-font",
            look.font,
        ])
        .args(["-pointsize", &look.size.to_string()])
        .arg(format!("label:{label}"))
        .args(["-bordercolor", look.background, "-border", "24x18"])
        .args(["-quality", "85", "-depth", "8"])
        // Paint and the Windows snipping tool write uncompressed BMPs.
        .args(if look.format == "bmp" {
            &["-type", "TrueColor", "-compress", "None"][..]
        } else {
            &[][..]
        })
        .arg(&path));
    std::fs::read(&path).unwrap()
}

/// Converts every file in `inputs` with LibreOffice to `format` (docx, odt, pdf, xlsx, xls,
/// ods, pptx, odp);
/// returns the output paths in the same order.
pub fn libreoffice(work: &Path, inputs: &[PathBuf], format: &str) -> Vec<PathBuf> {
    if inputs.is_empty() {
        return Vec::new();
    }
    let out = work.join(format!("out-{format}"));
    std::fs::create_dir_all(&out).unwrap();
    let profile = work.join(format!("lo-profile-{format}"));
    let mut cmd = Command::new("soffice");
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ))
    .args(["--headless", "--norestore", "--convert-to", format]);
    if inputs[0].extension().is_some_and(|e| e == "csv") {
        // Comma separated, double quotes, UTF-8.
        cmd.arg("--infilter=CSV:44,34,76");
    } else if inputs[0].extension().is_some_and(|e| e == "txt") {
        cmd.arg("--infilter=Text (encoded):UTF8,LF,,,");
    }
    cmd.arg("--outdir").arg(&out).args(inputs).env("HOME", work);
    run(&mut cmd);
    inputs
        .iter()
        .map(|i| {
            let p = out.join(i.with_extension(format).file_name().unwrap());
            assert!(p.exists(), "LibreOffice did not write {}", p.display());
            p
        })
        .collect()
}

/// A flat ODF presentation (`.fodp`) with one slide: `title`, then `body`'s lines, as
/// someone pastes notes onto a slide; LibreOffice Impress turns it into PPTX or ODP.
pub fn presentation(dir: &Path, name: &str, title: &str, body: &str) -> PathBuf {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let lines: String = std::iter::once(title)
        .chain(body.lines())
        .map(|l| format!("<text:p>{}</text:p>\n", esc(l)))
        .collect();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation><draw:page draw:name="slide1">
<draw:frame svg:x="1cm" svg:y="1cm" svg:width="26cm" svg:height="17cm"><draw:text-box>
{lines}</draw:text-box></draw:frame>
</draw:page></office:presentation></office:body></office:document>
"#
    );
    let p = dir.join(format!("{name}.fodp"));
    std::fs::write(&p, xml).unwrap();
    p
}

/// A flat ODF text document (`.fodt`) whose content is the picture `image` (its width and
/// height as ImageMagick's `identify` reads them) and a `stamp` line (empty, or what scanning
/// apps print: "Scanned with CamScanner"): LibreOffice makes it a PDF page with no text of its
/// own, as a scanner or "print to PDF" of a screenshot does.
pub fn picture_page(dir: &Path, name: &str, image: &Path, stamp: &str) -> PathBuf {
    let out = Command::new("identify")
        .args(["-format", "%w %h"])
        .arg(image)
        .output()
        .expect("identify (ImageMagick; bash .ci/setup installs it)");
    let dims = String::from_utf8_lossy(&out.stdout).to_string();
    let (w, h) = dims.trim().split_once(' ').expect("width and height");
    let (w, h): (f64, f64) = (w.parse().unwrap(), h.parse().unwrap());
    let width_cm = 16.0_f64.min(w / 40.0);
    let height_cm = width_cm * h / w;
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(std::fs::read(image).unwrap());
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text><text:p><draw:frame svg:width="{width_cm:.2}cm" svg:height="{height_cm:.2}cm" text:anchor-type="as-char"><draw:image><office:binary-data>{data}</office:binary-data></draw:image></draw:frame></text:p><text:p>{stamp}</text:p></office:text></office:body></office:document>
"#
    );
    let p = dir.join(format!("{name}.fodt"));
    std::fs::write(&p, doc).unwrap();
    p
}

/// A PDF protected by a user password (qpdf, AES-256).
pub fn protect_pdf(work: &Path, pdf: &Path) -> Vec<u8> {
    let out = work.join("protected.pdf");
    run(Command::new("qpdf")
        .args(["--encrypt", "Open-Sesame-1", "owner-pw", "256", "--"])
        .arg(pdf)
        .arg(&out));
    std::fs::read(out).unwrap()
}

/// A zip archive of `files` protected by a password: Info-ZIP's classic encryption or 7-Zip's
/// AES.
pub fn protect_zip(work: &Path, files: &[(&str, &[u8])], aes: bool) -> Vec<u8> {
    let dir = work.join(format!("zip-{}", if aes { "aes" } else { "classic" }));
    std::fs::create_dir_all(&dir).unwrap();
    for (n, b) in files {
        std::fs::write(dir.join(n), b).unwrap();
    }
    let out = work.join(format!(
        "protected-{}.zip",
        if aes { "aes" } else { "classic" }
    ));
    let _ = std::fs::remove_file(&out);
    if aes {
        run(Command::new("7z")
            .current_dir(&dir)
            .args([
                "a",
                "-tzip",
                "-mem=AES256",
                "-pOpen-Sesame-1",
                "-bd",
                "-bso0",
            ])
            .arg(&out)
            .args(files.iter().map(|f| f.0)));
    } else {
        run(Command::new("zip")
            .current_dir(&dir)
            .args(["-q", "-P", "Open-Sesame-1"])
            .arg(&out)
            .args(files.iter().map(|f| f.0)));
    }
    std::fs::read(out).unwrap()
}

/// A plain zip archive of `files`.
pub fn zip(work: &Path, name: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let dir = work.join(format!("zip-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    for (n, b) in files {
        std::fs::write(dir.join(n), b).unwrap();
    }
    let out = work.join(format!("{name}.zip"));
    let _ = std::fs::remove_file(&out);
    run(Command::new("zip")
        .current_dir(&dir)
        .arg("-q")
        .arg(&out)
        .args(files.iter().map(|f| f.0)));
    std::fs::read(out).unwrap()
}
