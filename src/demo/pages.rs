//! The demo newsroom's standalone pages, in its footer menu in this order. Written for Gazette;
//! the city of Harbourton is as fictional as the rest of the demo.

pub struct DemoPage {
    pub title: &'static str,
    pub slug: &'static str,
    pub seo_description: &'static str,
    pub body: &'static str,
}

pub const PAGES: &[DemoPage] = &[
    DemoPage {
        title: "About the Gazette",
        slug: "about",
        seo_description: "Who we are, who pays for our journalism, and the standards our newsroom in Harbourton works by.",
        body: "The Gazette is an independent newsroom in Harbourton. Twenty-two reporters, editors, \
photographers and developers cover the city, the region and the world beyond it.

## Who pays for our journalism

Readers do. Most of our income comes from members who pay a monthly fee; the rest comes from \
advertising that is always marked as such. No owner, party or company has a say in what we \
publish.

## How we work

- We name our sources whenever we can, and explain why when we cannot.
- We ask the people we write about for their side before we publish.
- We separate news from opinion, and label opinion as such.
- We correct our mistakes in the open: see our [corrections policy](/corrections).

Questions about our work are welcome: [contact the newsroom](/contact).",
    },
    DemoPage {
        title: "Contact the newsroom",
        slug: "contact",
        seo_description: "How to reach the Gazette's reporters and editors, send us a tip securely, or ask for a correction.",
        body: "## Tips and stories

Write to **news@gazette.example** or call the news desk on **+1 555 0100**, every day from 7 a.m. \
to 11 p.m. Tell us what you know and how we can reach you.

## Corrections

If we got something wrong, write to **corrections@gazette.example** with the address of the \
article and what should be changed. An editor answers within one working day.

## Visiting us

The newsroom is at 14 Quay Street, Harbourton, above the old harbour office. Visitors are \
welcome on weekdays from 10 a.m. to 4 p.m.",
    },
    DemoPage {
        title: "Corrections policy",
        slug: "corrections",
        seo_description: "How the Gazette corrects its mistakes: quickly, visibly, and with a note that says what changed.",
        body: "We make mistakes, and we correct them openly.

1. **Factual errors** are corrected as soon as we confirm them. A note at the end of the \
article says what was wrong and when it was fixed.
2. **Significant errors** that changed the meaning of a story are also listed in the \
article's standfirst until the correction is a day old.
3. **Clarifications** are added when a story was accurate but could be misread.
4. We do not remove articles because their subjects dislike them. We do update them when \
later events change the picture, and say so.

To report an error, see [how to contact us](/contact).",
    },
    DemoPage {
        title: "Privacy policy",
        slug: "privacy",
        seo_description: "What the Gazette knows about its readers: almost nothing. No tracking, no advertising profiles.",
        body: "Reading the Gazette does not require an account, and we do not follow you around the web.

## What we keep

- **Page views**, counted per article and day, without any information about who read them. \
They decide what appears under \"Most read\".
- **Server logs** of requests (address, page, time) for fourteen days, to keep the site safe \
and working.

## What we do not do

We set no advertising or tracking cookies, load no third-party scripts, and sell no data. The \
only cookie this site sets belongs to staff who log in to the newsroom.

Questions about your data: **privacy@gazette.example**.",
    },
];
