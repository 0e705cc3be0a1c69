//! The illustrations bundled in `static/img/demo`: the demo newsroom's heroes, and a library
//! any article may use as its hero beside the uploads. Listed once, here.

/// Every bundled illustration is this size (16:9).
pub const SIZE: (i32, i32) = (1200, 675);

pub struct Illustration {
    pub file: &'static str,
    /// What the editor's image picker calls it.
    pub label: &'static str,
    /// Alternative text for readers who cannot see it.
    pub alt: &'static str,
}

impl Illustration {
    pub fn url(&self) -> String {
        format!("/static/img/demo/{}", self.file)
    }

    /// The illustration served at `url`, if it is one.
    pub fn at(url: &str) -> Option<&'static Illustration> {
        ILLUSTRATIONS.iter().find(|i| i.url() == url)
    }
}

pub const ILLUSTRATIONS: &[Illustration] = &[
    Illustration {
        file: "skyline.jpg",
        label: "City skyline at dusk",
        alt: "Illustration of a city skyline at dusk, windows lit in amber against a violet sky",
    },
    Illustration {
        file: "harbour.jpg",
        label: "Harbour at sunrise",
        alt: "Illustration of a harbour at sunrise, with cranes and ships silhouetted on calm water",
    },
    Illustration {
        file: "chamber.jpg",
        label: "Assembly building",
        alt: "Illustration of a domed assembly building in deep red and gold",
    },
    Illustration {
        file: "ballot.jpg",
        label: "Ballot box",
        alt: "Illustration of a ballot box with a folded paper dropping into its slot",
    },
    Illustration {
        file: "markets.jpg",
        label: "Rising bar chart",
        alt: "Illustration of a rising bar chart in green over a dark grid",
    },
    Illustration {
        file: "factory.jpg",
        label: "Factory roofs",
        alt: "Illustration of factory roofs and chimneys under a pale blue sky",
    },
    Illustration {
        file: "orbit.jpg",
        label: "Ringed planet",
        alt: "Illustration of a planet with rings and three small moons on a starry background",
    },
    Illustration {
        file: "laboratory.jpg",
        label: "Laboratory flasks",
        alt: "Illustration of glass flasks and a microscope in teal light",
    },
    Illustration {
        file: "stage.jpg",
        label: "Theatre stage",
        alt: "Illustration of a theatre stage with red curtains and a single spotlight",
    },
    Illustration {
        file: "gallery.jpg",
        label: "Gallery wall",
        alt: "Illustration of framed abstract paintings on a gallery wall",
    },
    Illustration {
        file: "stadium.jpg",
        label: "Floodlit stadium",
        alt: "Illustration of a floodlit stadium with a green pitch at night",
    },
    Illustration {
        file: "track.jpg",
        label: "Running track",
        alt: "Illustration of curved running-track lanes in terracotta and white",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_illustration_is_shipped() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/img/demo");
        for illustration in ILLUSTRATIONS {
            assert!(
                dir.join(illustration.file).is_file(),
                "{}",
                illustration.file
            );
            assert!(Illustration::at(&illustration.url()).is_some());
        }
    }
}
