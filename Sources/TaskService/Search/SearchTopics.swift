/// Life areas a to-do list covers, each named and shown by a few example tasks: the bridge
/// search uses from an abstract query to tasks that share no word and little meaning with
/// it. MiniLM relates "decluttering" to "tidying up and giving things away", and "take old
/// books to the charity shop" to a Goodwill drop-off, but not the query to the task
/// directly; through the topic both meet (see `TopicBridge`).
///
/// Our own, written as a map of everyday life, work and study; none is taken from an
/// evaluation set (examples close to one were replaced, see docs/evaluation.md).
public struct SearchTopic: Codable, Sendable, Equatable {
    public var name: String
    public var examples: [String]

    public init(name: String, examples: [String]) {
        self.name = name
        self.examples = examples
    }
}

extension SearchTopic {
    public static let defaults: [SearchTopic] = [
        SearchTopic(name: "home repairs and DIY handyman jobs", examples: [
            "Fix the dripping faucet", "Patch the hole in the wall and repaint", "Replace the broken cabinet hinge",
            "Assemble the new wardrobe", "Regrout the kitchen tiles", "Put up a picture frame in the hallway",
            "Unclog the shower drain", "Fix the squeaky door"]),
        SearchTopic(name: "cleaning and housework", examples: [
            "Vacuum the living room", "Clean the oven", "Do the laundry", "Wipe down the fridge", "Mop the kitchen floor",
            "Change the bed sheets"]),
        SearchTopic(name: "decluttering, tidying up and giving things away", examples: [
            "Clear out the garage", "Sort old clothes into keep and give away piles",
            "List the old sofa on a selling site", "Drop off old books at the charity shop", "Tidy the storage room",
            "Throw out expired food and junk"]),
        SearchTopic(name: "garden and plants", examples: [
            "Mow the lawn", "Water the tomatoes", "Repot the monstera", "Rake the leaves", "Plant spring bulbs",
            "Trim the hedge"]),
        SearchTopic(name: "moving house and renting", examples: [
            "Give notice on the apartment", "Book a moving van", "Register the new address",
            "Get the deposit back from the landlord", "Pack the kitchen boxes", "Arrange the flat viewing"]),
        SearchTopic(name: "baby, newborn and parental leave", examples: [
            "Register the baby's birth", "Apply for parental leave benefits", "Buy diapers and baby wipes",
            "Book the baby's vaccination appointment", "Set up the crib", "Find a midwife for the postnatal visits"]),
        SearchTopic(name: "children, school and kids' activities", examples: [
            "Pack the kids' school lunches", "Sign my daughter up for swimming lessons", "Pay for the school trip",
            "Parent evening at school", "Help the kids with homework", "Pick up my son from football practice"]),
        SearchTopic(name: "family and relatives", examples: [
            "Call grandma", "Plan the family reunion", "Visit my parents this weekend", "Send a card to my aunt",
            "Help my brother move", "Family dinner on Sunday"]),
        SearchTopic(name: "friends, social plans and events", examples: [
            "Organise drinks with old friends", "RSVP to the wedding", "Plan a birthday party", "Dinner with neighbours",
            "Book tickets for the concert with friends", "Host a board game night"]),
        SearchTopic(name: "gifts and celebrations", examples: [
            "Buy a birthday present for my sister", "Wrap the Christmas presents", "Order flowers for the anniversary",
            "Plan a surprise party", "Write thank-you cards", "Get a wedding gift"]),
        SearchTopic(name: "pets and animal care", examples: [
            "Take the dog to the vet", "Buy cat food", "Book the dog groomer", "Clean the litter box",
            "Give the cat its worming tablet", "Find a pet sitter for the holidays"]),
        SearchTopic(name: "doctor visits and medical appointments", examples: [
            "Book a GP appointment", "Dentist check-up", "Get the blood test results", "Renew my prescription",
            "See the dermatologist about the rash", "Book an eye test"]),
        SearchTopic(name: "fitness, exercise and sport", examples: [
            "Go for a 5k run", "Gym: leg day", "Sign up for yoga classes", "Swim 20 lengths", "Do a pilates class",
            "Cycle to the lake and back"]),
        SearchTopic(name: "diet, healthy habits and wellbeing", examples: [
            "Drink more water every day", "Cut down on sugar", "Keep a regular sleep schedule", "Meditate for ten minutes",
            "Stop smoking", "Meal prep healthy lunches"]),
        SearchTopic(name: "mental health and self-care", examples: [
            "Book a therapy session", "Take a day off to recharge", "Journal before bed", "Limit social media time",
            "Call the counselling service", "Plan a relaxing weekend"]),
        SearchTopic(name: "bills, payments and banking", examples: [
            "Pay the phone bill", "Set up a direct debit", "Transfer money to savings", "Check the bank statement",
            "Pay the credit card", "Send money abroad"]),
        SearchTopic(name: "taxes, benefits and government paperwork", examples: [
            "File the tax return", "Renew the passport", "Apply for a residence permit", "Register with the city office",
            "Apply for child benefit", "Fill in the census form"]),
        SearchTopic(name: "insurance and claims", examples: [
            "Compare home insurance quotes", "Claim the damaged phone on insurance",
            "Add my partner to the health insurance", "Renew car insurance", "Cancel the old insurance policy",
            "Send the claim form"]),
        SearchTopic(name: "reimbursements, refunds and expenses", examples: [
            "Submit travel expenses", "Get money back for the broken umbrella", "Claim back the medical costs",
            "Ask for my deposit back", "Send receipts to accounting", "Request a reimbursement from work"]),
        SearchTopic(name: "budgeting, saving and investing", examples: [
            "Review the monthly budget", "Increase the pension contribution", "Rebalance the investment portfolio",
            "Set a savings goal for the holiday", "Track spending for a month", "Open an index fund account"]),
        SearchTopic(name: "shopping and orders", examples: [
            "Order new shoes", "Buy groceries", "Return the jacket", "Compare prices for a new laptop", "Buy light bulbs",
            "Buy a new bath towel set"]),
        SearchTopic(name: "clothes and wardrobe", examples: [
            "Buy a winter coat", "Take the suit to the dry cleaner", "Swap summer and winter clothes",
            "Get the boots resoled", "Buy a warm scarf", "Mend the torn jeans"]),
        SearchTopic(name: "cars, bikes and transport", examples: [
            "Get the car serviced", "Change to winter tyres", "Oil the bike chain", "Renew the train pass",
            "Pay the parking ticket", "Book the car inspection"]),
        SearchTopic(name: "travel planning and trips", examples: [
            "Book flights for the summer holiday", "Reserve the hotel", "Plan the road trip route",
            "Check visa requirements", "Pack for the weekend away", "Buy travel insurance"]),
        SearchTopic(name: "outdoor adventures, hiking and camping", examples: [
            "Plan a hiking weekend in the mountains", "Buy a new tent", "Check the trail conditions",
            "Pack the sleeping bag and stove", "Book a campsite", "Get waterproof hiking boots"]),
        SearchTopic(name: "studying for exams and revision", examples: [
            "Revise chapters 3 to 5 for the exam", "Make flashcards for the biology test", "Do past exam papers",
            "Study group before the finals", "Review lecture notes", "Memorise the formulas"]),
        SearchTopic(name: "university coursework and assignments", examples: [
            "Finish the essay draft", "Submit the lab report", "Meet my thesis supervisor",
            "Prepare the seminar presentation", "Register for next semester's courses",
            "Write the group report with classmates"]),
        SearchTopic(name: "online courses, tutorials and video lessons", examples: [
            "Finish the Coursera module", "Watch the next lecture video", "Do the Udemy course exercises",
            "Follow a YouTube tutorial on watercolour", "Complete the online certification",
            "Take the free online Python class"]),
        SearchTopic(name: "reading and books", examples: [
            "Read two chapters of the novel", "Return the library books", "Finish the biography", "Join a book club",
            "Read the article on climate policy", "Make a reading list for the summer"]),
        SearchTopic(name: "learning languages", examples: [
            "Practise Spanish on Duolingo", "Book an Italian conversation class", "Learn 20 new German words",
            "Watch a French film without subtitles", "Do the Japanese grammar exercises", "Find a language exchange partner"]),
        SearchTopic(name: "hobbies, music and creative projects", examples: [
            "Practise guitar for 30 minutes", "Knit the scarf", "Edit the holiday photos", "Paint the landscape canvas",
            "Bake sourdough bread", "Write the next chapter of my story"]),
        SearchTopic(name: "programming and technical learning", examples: [
            "Learn how Git branching works", "Build a small web scraper", "Read the Kubernetes docs",
            "Try the new JavaScript framework", "Practise SQL joins", "Study system design"]),
        SearchTopic(name: "software development and code", examples: [
            "Fix the login bug", "Review the pull request", "Write unit tests for the parser",
            "Refactor the payment module", "Deploy the new release", "Update the API documentation"]),
        SearchTopic(name: "IT security, vulnerabilities and compliance", examples: [
            "Patch the vulnerable dependencies", "Change passwords after the data breach",
            "Fix the findings from the security audit", "Enable two-factor authentication for all accounts",
            "Scan the servers for vulnerabilities", "Prepare evidence for the compliance audit"]),
        SearchTopic(name: "infrastructure, performance and operations", examples: [
            "Upgrade the database server", "Set up monitoring alerts", "Investigate the memory leak",
            "Scale the cluster before the launch", "Benchmark the API latency", "Restore the backups to test them"]),
        SearchTopic(name: "meetings and presentations at work", examples: [
            "Prepare slides for the quarterly review", "Schedule the project kickoff", "Write the meeting agenda",
            "Present the results to the board", "Send the meeting notes", "Book the conference room"]),
        SearchTopic(name: "managing a team and people", examples: [
            "One-on-one with my direct report", "Write performance reviews for the team", "Plan the team's holiday rota",
            "Interview candidates for the open role", "Give feedback to the new hire",
            "Approve the team's time-off requests"]),
        SearchTopic(name: "hiring, onboarding and HR", examples: [
            "Post the job ad", "Prepare the new starter's laptop and accounts", "Schedule the onboarding sessions",
            "Update the employee handbook", "Sign the employment contract", "Organise the farewell for a colleague"]),
        SearchTopic(name: "clients, sales and customers", examples: [
            "Send the proposal to the client", "Follow up with the lead", "Answer the customer complaint",
            "Prepare the sales forecast", "Renew the client contract", "Demo the product to a prospect"]),
        SearchTopic(name: "reports, documents and admin at work", examples: [
            "Write the monthly report", "Update the project plan", "Fill in the timesheet",
            "Send the invoice to the client", "Archive the old contracts", "Proofread the press release"]),
        SearchTopic(name: "career and job search", examples: [
            "Update my CV", "Apply for the product manager job", "Prepare for the job interview", "Ask for a raise",
            "Update my LinkedIn profile", "Network at the industry meetup"]),
        SearchTopic(name: "conferences and professional events", examples: [
            "Submit a talk proposal to the conference", "Register for the developer conference",
            "Book the hotel for the trade fair", "Prepare the workshop materials", "Write the conference trip report",
            "Plan the meetup talk"]),
        SearchTopic(name: "phones, computers and gadgets", examples: [
            "Back up the laptop", "Replace the cracked phone screen", "Set up the new router",
            "Update the phone's software", "Free up space on the hard drive", "Buy a new keyboard"]),
        SearchTopic(name: "food, cooking and meal planning", examples: [
            "Plan the week's dinners", "Try the new lasagne recipe", "Defrost the chicken",
            "Make the shopping list for the dinner party", "Bake a cake for the bake sale", "Book a table at the restaurant"]),
        SearchTopic(name: "volunteering and community", examples: [
            "Volunteer at the food bank", "Help at the school fair", "Donate blood", "Join the neighbourhood clean-up",
            "Collect signatures for the petition", "Coach the youth football team"]),
        SearchTopic(name: "home appliances and household items", examples: [
            "Replace the broken toaster", "Clean the washing machine filter", "Buy a new vacuum cleaner bag",
            "Get the fridge repaired", "Order a replacement blender jug", "Buy new bed linen"]),
        SearchTopic(name: "medication, supplements and pharmacy", examples: [
            "Pick up the prescription at the pharmacy", "Take the allergy pills every morning", "Order more vitamin C",
            "Refill the pill organiser", "Ask the pharmacist about side effects", "Start taking magnesium"]),
        SearchTopic(name: "legal matters and contracts", examples: [
            "Read the contract before signing", "Ask a lawyer about the will", "Send the signed agreement back",
            "Check the warranty terms", "Cancel the contract in writing", "Get the document notarised"]),
        SearchTopic(name: "personal admin and documents", examples: [
            "Scan the important documents", "Update the password manager", "Renew the ID card",
            "File the paperwork in folders", "Shred old bank statements", "Back up the photos to the cloud"]),
        SearchTopic(name: "holidays and seasonal events", examples: [
            "Buy the Christmas tree", "Plan the Easter egg hunt", "Book the New Year's Eve dinner",
            "Carve pumpkins for Halloween", "Send the holiday cards", "Decorate the house for Christmas"]),
        SearchTopic(name: "neighbours and community life", examples: [
            "Water the neighbours' plants while they're away", "Go to the residents' meeting",
            "Ask the neighbour to collect the parcel", "Sign up for the street party", "Bring the neighbours some cake",
            "Report the broken street light"]),
    ]
}
