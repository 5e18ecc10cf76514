"""The arXiv category taxonomy: every current category code and its name."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from types import MappingProxyType

_GROUPS: dict[str, dict[str, str]] = {
    "cs": {
        "AI": "Artificial Intelligence",
        "AR": "Hardware Architecture",
        "CC": "Computational Complexity",
        "CE": "Computational Engineering, Finance, and Science",
        "CG": "Computational Geometry",
        "CL": "Computation and Language",
        "CR": "Cryptography and Security",
        "CV": "Computer Vision and Pattern Recognition",
        "CY": "Computers and Society",
        "DB": "Databases",
        "DC": "Distributed, Parallel, and Cluster Computing",
        "DL": "Digital Libraries",
        "DM": "Discrete Mathematics",
        "DS": "Data Structures and Algorithms",
        "ET": "Emerging Technologies",
        "FL": "Formal Languages and Automata Theory",
        "GL": "General Literature",
        "GR": "Graphics",
        "GT": "Computer Science and Game Theory",
        "HC": "Human-Computer Interaction",
        "IR": "Information Retrieval",
        "IT": "Information Theory",
        "LG": "Machine Learning",
        "LO": "Logic in Computer Science",
        "MA": "Multiagent Systems",
        "MM": "Multimedia",
        "MS": "Mathematical Software",
        "NA": "Numerical Analysis",
        "NE": "Neural and Evolutionary Computing",
        "NI": "Networking and Internet Architecture",
        "OH": "Other Computer Science",
        "OS": "Operating Systems",
        "PF": "Performance",
        "PL": "Programming Languages",
        "RO": "Robotics",
        "SC": "Symbolic Computation",
        "SD": "Sound",
        "SE": "Software Engineering",
        "SI": "Social and Information Networks",
        "SY": "Systems and Control",
    },
    "econ": {
        "EM": "Econometrics",
        "GN": "General Economics",
        "TH": "Theoretical Economics",
    },
    "eess": {
        "AS": "Audio and Speech Processing",
        "IV": "Image and Video Processing",
        "SP": "Signal Processing",
        "SY": "Systems and Control",
    },
    "math": {
        "AC": "Commutative Algebra",
        "AG": "Algebraic Geometry",
        "AP": "Analysis of PDEs",
        "AT": "Algebraic Topology",
        "CA": "Classical Analysis and ODEs",
        "CO": "Combinatorics",
        "CT": "Category Theory",
        "CV": "Complex Variables",
        "DG": "Differential Geometry",
        "DS": "Dynamical Systems",
        "FA": "Functional Analysis",
        "GM": "General Mathematics",
        "GN": "General Topology",
        "GR": "Group Theory",
        "GT": "Geometric Topology",
        "HO": "History and Overview",
        "IT": "Information Theory",
        "KT": "K-Theory and Homology",
        "LO": "Logic",
        "MG": "Metric Geometry",
        "MP": "Mathematical Physics",
        "NA": "Numerical Analysis",
        "NT": "Number Theory",
        "OA": "Operator Algebras",
        "OC": "Optimization and Control",
        "PR": "Probability",
        "QA": "Quantum Algebra",
        "RA": "Rings and Algebras",
        "RT": "Representation Theory",
        "SG": "Symplectic Geometry",
        "SP": "Spectral Theory",
        "ST": "Statistics Theory",
    },
    "astro-ph": {
        "CO": "Cosmology and Nongalactic Astrophysics",
        "EP": "Earth and Planetary Astrophysics",
        "GA": "Astrophysics of Galaxies",
        "HE": "High Energy Astrophysical Phenomena",
        "IM": "Instrumentation and Methods for Astrophysics",
        "SR": "Solar and Stellar Astrophysics",
    },
    "cond-mat": {
        "dis-nn": "Disordered Systems and Neural Networks",
        "mes-hall": "Mesoscale and Nanoscale Physics",
        "mtrl-sci": "Materials Science",
        "other": "Other Condensed Matter",
        "quant-gas": "Quantum Gases",
        "soft": "Soft Condensed Matter",
        "stat-mech": "Statistical Mechanics",
        "str-el": "Strongly Correlated Electrons",
        "supr-con": "Superconductivity",
    },
    "nlin": {
        "AO": "Adaptation and Self-Organizing Systems",
        "CD": "Chaotic Dynamics",
        "CG": "Cellular Automata and Lattice Gases",
        "PS": "Pattern Formation and Solitons",
        "SI": "Exactly Solvable and Integrable Systems",
    },
    "physics": {
        "acc-ph": "Accelerator Physics",
        "ao-ph": "Atmospheric and Oceanic Physics",
        "app-ph": "Applied Physics",
        "atm-clus": "Atomic and Molecular Clusters",
        "atom-ph": "Atomic Physics",
        "bio-ph": "Biological Physics",
        "chem-ph": "Chemical Physics",
        "class-ph": "Classical Physics",
        "comp-ph": "Computational Physics",
        "data-an": "Data Analysis, Statistics and Probability",
        "ed-ph": "Physics Education",
        "flu-dyn": "Fluid Dynamics",
        "gen-ph": "General Physics",
        "geo-ph": "Geophysics",
        "hist-ph": "History and Philosophy of Physics",
        "ins-det": "Instrumentation and Detectors",
        "med-ph": "Medical Physics",
        "optics": "Optics",
        "plasm-ph": "Plasma Physics",
        "pop-ph": "Popular Physics",
        "soc-ph": "Physics and Society",
        "space-ph": "Space Physics",
    },
    "q-bio": {
        "BM": "Biomolecules",
        "CB": "Cell Behavior",
        "GN": "Genomics",
        "MN": "Molecular Networks",
        "NC": "Neurons and Cognition",
        "OT": "Other Quantitative Biology",
        "PE": "Populations and Evolution",
        "QM": "Quantitative Methods",
        "SC": "Subcellular Processes",
        "TO": "Tissues and Organs",
    },
    "q-fin": {
        "CP": "Computational Finance",
        "EC": "Economics",
        "GN": "General Finance",
        "MF": "Mathematical Finance",
        "PM": "Portfolio Management",
        "PR": "Pricing of Securities",
        "RM": "Risk Management",
        "ST": "Statistical Finance",
        "TR": "Trading and Market Microstructure",
    },
    "stat": {
        "AP": "Applications",
        "CO": "Computation",
        "ME": "Methodology",
        "ML": "Machine Learning",
        "OT": "Other Statistics",
        "TH": "Statistics Theory",
    },
}

# Archives that are a single category, without subject classes.
_STANDALONE = {
    "gr-qc": "General Relativity and Quantum Cosmology",
    "hep-ex": "High Energy Physics - Experiment",
    "hep-lat": "High Energy Physics - Lattice",
    "hep-ph": "High Energy Physics - Phenomenology",
    "hep-th": "High Energy Physics - Theory",
    "math-ph": "Mathematical Physics",
    "nucl-ex": "Nuclear Experiment",
    "nucl-th": "Nuclear Theory",
    "quant-ph": "Quantum Physics",
}

CATEGORIES: Mapping[str, str] = MappingProxyType(
    dict(
        sorted(
            [
                (f"{archive}.{code}", name)
                for archive, classes in _GROUPS.items()
                for code, name in classes.items()
            ]
            + list(_STANDALONE.items())
        )
    )
)
"""Every current arXiv category code (``cs.LG``, ``hep-th`` …) and its name."""

_BY_FOLDED = {code.casefold(): code for code in CATEGORIES}


def canonical_category(text: str) -> str:
    """The taxonomy's spelling of a category typed in any case; ValueError with a suggestion."""
    code = text.strip()
    known = _BY_FOLDED.get(code.casefold())
    if known is not None:
        return known
    suggestion = _suggest(code)
    hint = f" (did you mean {suggestion}?)" if suggestion else ""
    raise ValueError(f"unknown arXiv category: {code}{hint}")


def _suggest(code: str) -> str | None:
    folded = code.casefold()
    if folded:
        extensions = [known for f, known in _BY_FOLDED.items() if f.startswith(folded)]
        if len(extensions) == 1:
            return extensions[0]  # "cond-mat.stat" -> cond-mat.stat-mech
    subject_class = folded.rpartition(".")[2]
    if "." in folded:
        elsewhere = [known for f, known in _BY_FOLDED.items() if f.endswith("." + subject_class)]
        if len(elsewhere) == 1:
            return elsewhere[0]  # "cs.ML" -> stat.ML
    close = difflib.get_close_matches(folded, _BY_FOLDED, n=1, cutoff=0.6)
    return _BY_FOLDED[close[0]] if close else None


def parse_categories(text: str) -> tuple[str, ...]:
    """Comma-separated categories in the taxonomy's spelling, in order, without repeats.

    >>> parse_categories("cs.lg, cs.CV,cs.LG")
    ('cs.LG', 'cs.CV')
    """
    found: dict[str, None] = {}
    for part in text.split(","):
        if part.strip():
            found[canonical_category(part)] = None
    if not found:
        raise ValueError(f"no arXiv category given: {text!r}")
    return tuple(found)
