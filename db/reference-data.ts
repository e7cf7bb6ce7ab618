// Reference data from the Rotherham Safeguarding Children Partnership's published documents
// (annual report 2017-18, the 2024 arrangements handbook). Copied here: the app never reads ../shared.

export const partnership = {
  "slug": "rotherham",
  "name": "Rotherham Safeguarding Children Partnership",
  "shortName": "RSCP",
  "area": "Rotherham, South Yorkshire",
  "timeZone": "Europe/London",
  "yearStartMonth": 4,
  "freeTrainingFor": "all safeguarding partner organisations and non-profit organisations in Rotherham"
} as const;

export const organisations = [
  {
    "name": "Rotherham Metropolitan Borough Council",
    "shortName": "RMBC",
    "sector": "Local authority",
    "partnerStatus": "statutory partner"
  },
  {
    "name": "South Yorkshire Police",
    "shortName": "SYP",
    "sector": "Police",
    "partnerStatus": "statutory partner"
  },
  {
    "name": "NHS South Yorkshire Integrated Care Board (Rotherham Place)",
    "shortName": "SY ICB",
    "sector": "Health",
    "partnerStatus": "statutory partner"
  },
  {
    "name": "The Rotherham NHS Foundation Trust",
    "shortName": "TRFT",
    "sector": "Health",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Rotherham Doncaster and South Humber NHS Foundation Trust",
    "shortName": "RDaSH",
    "sector": "Health",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "South Yorkshire Fire and Rescue",
    "shortName": "SYFR",
    "sector": "Fire and rescue",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "National Probation Service",
    "shortName": "NPS",
    "sector": "Probation and justice",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "CAFCASS",
    "shortName": "CAFCASS",
    "sector": "Probation and justice",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Barnardo's",
    "shortName": "Barnardo's",
    "sector": "Voluntary and community",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Children, Young People and Families Consortium",
    "shortName": "CYPF Consortium",
    "sector": "Voluntary and community",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Rotherham Hospice",
    "shortName": "Hospice",
    "sector": "Voluntary and community",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Maltby Learning Trust",
    "shortName": "MLT",
    "sector": "Education",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Wickersley Partnership Trust",
    "shortName": "WPT",
    "sector": "Education",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Rawmarsh School and Children's Centre",
    "shortName": "Rawmarsh",
    "sector": "Education",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "National Crime Agency (Operation Stovewood)",
    "shortName": "NCA",
    "sector": "Police",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Rotherham GP practices",
    "shortName": "GPs",
    "sector": "Health",
    "partnerStatus": "relevant agency"
  },
  {
    "name": "Independent childminders and early years settings",
    "shortName": "Early years",
    "sector": "Early years",
    "partnerStatus": "relevant agency"
  }
] as const;

export const workforceGroups = [
  {
    "code": "1",
    "name": "Group 1: occasional contact",
    "who": "Staff and volunteers with occasional contact with children, young people or parents (reception, catering, transport, leisure)"
  },
  {
    "code": "2",
    "name": "Group 2: regular contact",
    "who": "Staff and volunteers in regular contact with children or parents, or with a particular responsibility for them (teaching assistants, youth workers, GP practice staff)"
  },
  {
    "code": "3",
    "name": "Group 3: work predominantly with children and families",
    "who": "Practitioners who could contribute to assessing, planning, intervening and reviewing the needs of a child (social workers, health visitors, school nurses, police protecting vulnerable people, designated safeguarding leads)"
  },
  {
    "code": "4",
    "name": "Group 4: specialist and named or designated leads",
    "who": "Named and designated professionals, safeguarding leads and advisers"
  },
  {
    "code": "5",
    "name": "Group 5: operational managers",
    "who": "Managers responsible for the safeguarding practice of a team or service"
  },
  {
    "code": "6",
    "name": "Group 6: senior leaders",
    "who": "Senior managers and partnership executive members accountable for safeguarding across an organisation"
  }
] as const;

export const themedCourses = [
  {
    "title": "Designated Safeguarding Lead Workshop",
    "theme": "Safeguarding in education"
  },
  {
    "title": "Attachment Training",
    "theme": "Core safeguarding"
  },
  {
    "title": "Group 3 Safeguarding Core Workshop",
    "theme": "Core safeguarding"
  },
  {
    "title": "Graded Care Profile",
    "theme": "Neglect"
  },
  {
    "title": "Safeguarding Young People at Risk of Child Sexual Exploitation - A Multi-Agency Approach",
    "theme": "Child exploitation"
  },
  {
    "title": "Safer Recruitment for Schools",
    "theme": "Safer workforce"
  },
  {
    "title": "Child Death Review Process",
    "theme": "Child death review"
  },
  {
    "title": "Digital Safeguarding Training",
    "theme": "Online safety"
  },
  {
    "title": "Early Help Pathway Workshop",
    "theme": "Early help"
  },
  {
    "title": "Working with Resistant Families",
    "theme": "Core safeguarding"
  },
  {
    "title": "Prevent Training",
    "theme": "Radicalisation (Prevent)"
  },
  {
    "title": "Safer Recruitment (evening)",
    "theme": "Safer workforce"
  },
  {
    "title": "The Toxic Trio: Parental Domestic Abuse, Substance Misuse and Mental Health",
    "theme": "Domestic abuse"
  }
] as const;

export const eLearningCourses = [
  {
    "title": "An Awareness of Domestic Violence including the Impact on Children and Young People",
    "theme": "Domestic abuse"
  },
  {
    "title": "An Introduction to FGM, Forced Marriage, Spirit Possession and Honour-based Violence",
    "theme": "Core safeguarding"
  },
  {
    "title": "Awareness of Child Abuse and Neglect - Core",
    "theme": "Neglect"
  },
  {
    "title": "Awareness of Child Abuse and Neglect - Foundation",
    "theme": "Neglect"
  },
  {
    "title": "E-Safety Guidance for Practitioners Working with Children",
    "theme": "Online safety"
  },
  {
    "title": "Keeping them Safe: Protecting Children from Child Sexual Exploitation",
    "theme": "Child exploitation"
  },
  {
    "title": "Safeguarding Children in Education",
    "theme": "Safeguarding in education"
  },
  {
    "title": "Self-Harm and Suicidal Thoughts in Children and Young People",
    "theme": "Mental health and self-harm"
  }
] as const;

export const feedbackQuotes = [
  {
    "course": "Safeguarding Children at Risk of Sexual Exploitation",
    "role": "Early Years Worker",
    "text": "The indicators to abuse - I feel more confident in making referrals and what actions to take"
  },
  {
    "course": "Working with Resistant Families",
    "role": "Support Worker",
    "text": "Remain child focussed, never give up. No matter how small, all my actions can make a difference"
  },
  {
    "course": "Group 3 Core Workshop",
    "role": "Early Years Support Worker",
    "text": "Improved confidence in knowing an injury can be investigated through safeguarding processes"
  },
  {
    "course": "The Toxic Trio",
    "role": "Foster carer",
    "text": "My understanding of parental mental health has improved"
  },
  {
    "course": "Safer Recruitment Workshop",
    "role": "School staff",
    "text": "More vigilant when recruiting new staff members"
  }
] as const;

/** The themes every partnership starts with for coding the three-month answers (migration 0008 seeds them too). */
export const answerThemes = [
  'Information sharing',
  'Joint working',
  'Direct work with children',
  'Early help and referral',
  'Recognising risk',
  'Voice of the child',
  'Professional curiosity',
] as const;
